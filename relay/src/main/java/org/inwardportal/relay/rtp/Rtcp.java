package org.inwardportal.relay.rtp;

import io.netty.buffer.ByteBuf;

/**
 * The RTCP the SFU reads and writes: feedback messages (RFC 4585 §6: generic NACK, PLI; RFC 5104
 * §4.3.1: FIR) inside compound packets (RFC 3550 §6.1).
 */
public final class Rtcp {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;
    public static final int FMT_NACK = 1;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;

    private Rtcp() {
    }

    /** Receives each packet of a compound RTCP packet. */
    public interface Visitor {
        /** @param at absolute index of the packet's header; @param length the packet's length in bytes */
        void packet(ByteBuf b, int at, int packetType, int countOrFormat, int length);
    }

    /** Walks a compound packet; stops at the first malformed header. Returns false if one was found. */
    public static boolean forEach(ByteBuf b, Visitor v) {
        int at = b.readerIndex();
        int end = b.writerIndex();
        while (at + 4 <= end) {
            int first = b.getUnsignedByte(at);
            if ((first & 0xC0) != 0x80) return false;
            int length = 4 * (b.getUnsignedShort(at + 2) + 1);
            if (at + length > end) return false;
            v.packet(b, at, b.getUnsignedByte(at + 1), first & 0x1f, length);
            at += length;
        }
        return at == end;
    }

    /** The media source SSRC of a feedback message (RFC 4585 §6.1). */
    public static int mediaSsrc(ByteBuf b, int at) {
        return b.getInt(at + 8);
    }

    /** PLI (RFC 4585 §6.3.1): ask {@code mediaSsrc}'s sender for a keyframe. */
    public static ByteBuf pli(ByteBuf out, int senderSsrc, int mediaSsrc) {
        return out.writeByte(0x80 | FMT_PLI).writeByte(PSFB).writeShort(2).writeInt(senderSsrc).writeInt(mediaSsrc);
    }

    /** Generic NACK (RFC 4585 §6.2.1) for one lost packet id and a bitmask of the 16 following. */
    public static ByteBuf nack(ByteBuf out, int senderSsrc, int mediaSsrc, int pid, int blp) {
        return out.writeByte(0x80 | FMT_NACK).writeByte(RTPFB).writeShort(3).writeInt(senderSsrc).writeInt(mediaSsrc)
                .writeShort(pid).writeShort(blp);
    }

    /** Calls {@code lost} for every sequence number a generic NACK asks for. */
    public static void forEachNacked(ByteBuf b, int at, int length, java.util.function.IntConsumer lost) {
        for (int fci = at + 12; fci + 4 <= at + length; fci += 4) {
            int pid = b.getUnsignedShort(fci);
            int blp = b.getUnsignedShort(fci + 2);
            lost.accept(pid);
            for (int i = 0; i < 16; i++) {
                if ((blp & (1 << i)) != 0) lost.accept((pid + i + 1) & 0xffff);
            }
        }
    }
}
