package org.inwardportal.relay.ice;

import static org.inwardportal.relay.ice.StunMessage.ATTR_ERROR_CODE;
import static org.inwardportal.relay.ice.StunMessage.ATTR_FINGERPRINT;
import static org.inwardportal.relay.ice.StunMessage.ATTR_ICE_CONTROLLING;
import static org.inwardportal.relay.ice.StunMessage.ATTR_MESSAGE_INTEGRITY;
import static org.inwardportal.relay.ice.StunMessage.ATTR_PRIORITY;
import static org.inwardportal.relay.ice.StunMessage.ATTR_USERNAME;
import static org.inwardportal.relay.ice.StunMessage.ATTR_USE_CANDIDATE;
import static org.inwardportal.relay.ice.StunMessage.ATTR_XOR_MAPPED_ADDRESS;
import static org.inwardportal.relay.ice.StunMessage.FINGERPRINT_XOR;
import static org.inwardportal.relay.ice.StunMessage.HEADER_BYTES;
import static org.inwardportal.relay.ice.StunMessage.MAGIC_COOKIE;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/** Writes the STUN messages an ICE-lite agent sends (and, for tests and light clients, requests). */
public final class StunWriter {
    private StunWriter() {
    }

    /**
     * RFC 8445 §7.3.1.4 / RFC 5389 §7.3.1: a binding success response carrying XOR-MAPPED-ADDRESS,
     * MESSAGE-INTEGRITY (keyed with the local password) and FINGERPRINT.
     */
    public static void bindingSuccess(ByteBuf out, StunMessage request, InetSocketAddress from, Mac localPasswordMac,
                                      CRC32 crc, byte[] scratch20) {
        int start = out.writerIndex();
        out.writeShort(StunMessage.BINDING_SUCCESS).writeShort(0).writeInt(MAGIC_COOKIE);
        request.transactionId(out);
        writeXorMappedAddress(out, start, from);
        finish(out, start, localPasswordMac, crc, scratch20);
    }

    /** An error response (400 malformed, 401 bad credentials, 487 role conflict) with FINGERPRINT only. */
    public static void bindingError(ByteBuf out, StunMessage request, int code, String reason, CRC32 crc) {
        int start = out.writerIndex();
        out.writeShort(StunMessage.BINDING_ERROR).writeShort(0).writeInt(MAGIC_COOKIE);
        request.transactionId(out);
        byte[] phrase = reason.getBytes(StandardCharsets.UTF_8);
        out.writeShort(ATTR_ERROR_CODE).writeShort(4 + phrase.length)
                .writeShort(0).writeByte(code / 100).writeByte(code % 100).writeBytes(phrase);
        pad(out, start);
        finish(out, start, null, crc, null);
    }

    /** A binding request as a controlling full agent sends it (tests, load clients). */
    public static void bindingRequest(ByteBuf out, byte[] transactionId, String username, Mac remotePasswordMac,
                                      boolean useCandidate, long priority, long tieBreaker, CRC32 crc, byte[] scratch20) {
        int start = out.writerIndex();
        out.writeShort(StunMessage.BINDING_REQUEST).writeShort(0).writeInt(MAGIC_COOKIE).writeBytes(transactionId, 0, 12);
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        out.writeShort(ATTR_USERNAME).writeShort(user.length).writeBytes(user);
        pad(out, start);
        out.writeShort(ATTR_PRIORITY).writeShort(4).writeInt((int) priority);
        out.writeShort(ATTR_ICE_CONTROLLING).writeShort(8).writeLong(tieBreaker);
        if (useCandidate) out.writeShort(ATTR_USE_CANDIDATE).writeShort(0);
        finish(out, start, remotePasswordMac, crc, scratch20);
    }

    private static void writeXorMappedAddress(ByteBuf out, int start, InetSocketAddress from) {
        byte[] addr = from.getAddress().getAddress();
        boolean v4 = from.getAddress() instanceof Inet4Address;
        out.writeShort(ATTR_XOR_MAPPED_ADDRESS).writeShort(4 + addr.length)
                .writeByte(0).writeByte(v4 ? 1 : 2).writeShort(from.getPort() ^ (MAGIC_COOKIE >>> 16));
        // RFC 5389 §15.2: XOR with the cookie, then (IPv6) with the transaction id.
        for (int i = 0; i < addr.length; i++) {
            out.writeByte(addr[i] ^ out.getByte(start + 4 + i));
        }
    }

    private static void finish(ByteBuf out, int start, Mac mac, CRC32 crc, byte[] scratch20) {
        if (mac != null) {
            int lengthWithMi = out.writerIndex() - start - HEADER_BYTES + 24;
            out.setShort(start + 2, lengthWithMi);
            StunMessage.updateMac(mac, out, start, out.writerIndex() - start);
            try {
                mac.doFinal(scratch20, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            out.writeShort(ATTR_MESSAGE_INTEGRITY).writeShort(20).writeBytes(scratch20, 0, 20);
        }
        int lengthWithFp = out.writerIndex() - start - HEADER_BYTES + 8;
        out.setShort(start + 2, lengthWithFp);
        crc.reset();
        crc.update(out.nioBuffer(start, out.writerIndex() - start));
        out.writeShort(ATTR_FINGERPRINT).writeShort(4).writeInt(((int) crc.getValue()) ^ FINGERPRINT_XOR);
    }

    private static void pad(ByteBuf out, int start) {
        while (((out.writerIndex() - start) & 3) != 0) out.writeByte(0);
    }
}
