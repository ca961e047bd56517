package org.inwardportal.relay.rtp;

import io.netty.buffer.ByteBuf;

/**
 * A parsed view of an RTP header (RFC 3550 §5.1) in a Netty buffer, with header extensions in the
 * one-byte and two-byte forms (RFC 8285 §4). Reused per packet; {@link #parse} never allocates.
 */
public final class RtpHeader {
    public int payloadType;
    public boolean marker;
    public int sequence;
    public long timestamp;
    public int ssrc;
    public int headerLength;
    public int payloadLength;
    private ByteBuf buf;
    private int start;
    private int extensionAt;
    private int extensionLength;
    private int extensionProfile;

    /** Parses the packet at the reader index; false if it is not a well-formed RTP packet. */
    public boolean parse(ByteBuf b) {
        buf = b;
        start = b.readerIndex();
        int len = b.readableBytes();
        if (len < 12) return false;
        int first = b.getUnsignedByte(start);
        if ((first & 0xC0) != 0x80) return false;
        int second = b.getUnsignedByte(start + 1);
        marker = (second & 0x80) != 0;
        payloadType = second & 0x7f;
        sequence = b.getUnsignedShort(start + 2);
        timestamp = b.getUnsignedInt(start + 4);
        ssrc = b.getInt(start + 8);
        int n = 12 + 4 * (first & 0x0f);
        extensionAt = -1;
        if ((first & 0x10) != 0) {
            if (n + 4 > len) return false;
            extensionProfile = b.getUnsignedShort(start + n);
            extensionLength = 4 * b.getUnsignedShort(start + n + 2);
            extensionAt = start + n + 4;
            n += 4 + extensionLength;
        }
        if (n > len) return false;
        int padding = 0;
        if ((first & 0x20) != 0) {
            padding = b.getUnsignedByte(start + len - 1);
            if (padding == 0 || n + padding > len) return false;
        }
        headerLength = n;
        payloadLength = len - n - padding;
        return true;
    }

    /** Offset of the payload within the buffer (absolute index). */
    public int payloadIndex() {
        return start + headerLength;
    }

    /**
     * The value of the header extension element with this id, as an int of its first byte, or -1.
     * One-byte (0xBEDE) and two-byte (0x100x) forms (RFC 8285 §4.2, §4.3).
     */
    public int extensionByte(int id) {
        if (extensionAt < 0 || id <= 0) return -1;
        int at = extensionAt;
        int end = extensionAt + extensionLength;
        boolean oneByte = extensionProfile == 0xBEDE;
        boolean twoByte = (extensionProfile & 0xFFF0) == 0x1000;
        if (!oneByte && !twoByte) return -1;
        while (at < end) {
            int b0 = buf.getUnsignedByte(at);
            if (b0 == 0) { // padding
                at++;
                continue;
            }
            int elementId;
            int length;
            if (oneByte) {
                elementId = b0 >>> 4;
                length = (b0 & 0x0f) + 1;
                if (elementId == 15) return -1; // reserved: stop
                at += 1;
            } else {
                if (at + 1 >= end) return -1;
                elementId = b0;
                length = buf.getUnsignedByte(at + 1);
                at += 2;
            }
            if (at + length > end) return -1;
            if (elementId == id) return length == 0 ? -1 : buf.getUnsignedByte(at);
            at += length;
        }
        return -1;
    }
}
