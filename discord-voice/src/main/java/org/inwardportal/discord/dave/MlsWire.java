package org.inwardportal.discord.dave;

import java.io.ByteArrayOutputStream;

/**
 * The few wire details DAVE's binary voice-gateway opcodes add around MLS structures: RFC 9420
 * §2.1.2 variable-size lengths (whitepaper "Voice Gateway Opcodes": binary vector length headers)
 * and the basic credential identity, the big-endian 64-bit user id (whitepaper "Key Packages:
 * Validation").
 */
public final class MlsWire {
    private MlsWire() {}

    /** Writes {@code n} as an RFC 9420 §2.1.2 variable-size length (1, 2 or 4 bytes). */
    public static void writeVarint(ByteArrayOutputStream out, int n) {
        if (n < 0 || n >= 1 << 30) throw new IllegalArgumentException("length out of range: " + n);
        if (n < 0x40) {
            out.write(n);
        } else if (n < 0x4000) {
            out.write(0x40 | (n >>> 8));
            out.write(n);
        } else {
            out.write(0x80 | (n >>> 24));
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
        }
    }

    /**
     * Reads an RFC 9420 §2.1.2 variable-size length at {@code b[at]}; returns {@code length << 8 |
     * headerBytes}, or -1 when the header is truncated, uses the reserved prefix 11, or is not minimal.
     */
    public static long readVarint(byte[] b, int at) {
        if (at >= b.length) return -1;
        int prefix = (b[at] & 0xff) >>> 6;
        int size = 1 << prefix;
        if (prefix == 3 || at + size > b.length) return -1;
        long v = b[at] & 0x3f;
        for (int i = 1; i < size; i++) v = (v << 8) | (b[at + i] & 0xff);
        if ((size == 2 && v < 0x40) || (size == 4 && v < 0x4000)) return -1; // §2.1.2: minimal encoding
        return v << 8 | size;
    }

    /** The basic credential identity of {@code userId}: its 64-bit big-endian form. */
    public static byte[] identity(long userId) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) userId;
            userId >>>= 8;
        }
        return b;
    }

    /** The user id of a basic credential identity, or -1 when it is not 8 bytes. */
    public static long userId(byte[] identity) {
        if (identity == null || identity.length != 8) return -1;
        long v = 0;
        for (byte x : identity) v = (v << 8) | (x & 0xff);
        return v;
    }
}
