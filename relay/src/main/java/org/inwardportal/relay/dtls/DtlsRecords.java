package org.inwardportal.relay.dtls;

import io.netty.buffer.ByteBuf;

/**
 * Checks that a datagram is a sequence of whole DTLS records (RFC 6347 §4.1: content type 20-25,
 * version DTLS 1.0 or 1.2, epoch, sequence number, length) before it is queued for BouncyCastle,
 * so garbage from a known peer is counted and dropped at the door.
 */
public final class DtlsRecords {
    static final int HEADER = 13;

    private DtlsRecords() {
    }

    public static boolean wellFormed(ByteBuf b) {
        int at = b.readerIndex();
        int end = b.writerIndex();
        if (at == end) return false;
        while (at < end) {
            if (end - at < HEADER) return false;
            int type = b.getUnsignedByte(at);
            int version = b.getUnsignedShort(at + 1);
            if (type < 20 || type > 25) return false;
            if (version != 0xFEFF && version != 0xFEFD) return false;
            int length = b.getUnsignedShort(at + 11);
            at += HEADER + length;
        }
        return at == end;
    }
}
