package org.inwardportal.discord.dave;

/**
 * Unsigned little-endian base 128 (whitepaper "ULEB128 Encoding"): seven bits per byte, least
 * significant group first, the high bit set on every byte but the last. Used for the truncated
 * nonce and the unencrypted ranges.
 */
public final class Uleb128 {
    private Uleb128() {}

    /** Bytes {@code value} takes (value read as unsigned). */
    public static int size(long value) {
        int n = 1;
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code value} at {@code b[at]}; returns the number of bytes written. */
    public static int write(long value, byte[] b, int at) {
        int n = 0;
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            b[at + n++] = (byte) (0x80 | (value & 0x7f));
            value >>>= 7;
        }
        b[at + n++] = (byte) value;
        return n;
    }

    /**
     * Reads ULEB128 values from a range of a byte array without allocating. Values longer than nine
     * bytes (63 bits), and values cut off by the end of the range, are malformed.
     */
    public static final class Reader {
        private byte[] b;
        private int at;
        private int end;

        public Reader reset(byte[] buf, int from, int to) {
            b = buf;
            at = from;
            end = to;
            return this;
        }

        public boolean hasMore() {
            return at < end;
        }

        public int position() {
            return at;
        }

        /** The next value, or -1 when it is malformed (the reader is then at the end). */
        public long next() {
            long value = 0;
            for (int shift = 0; at < end; shift += 7) {
                if (shift >= 63) break; // a tenth byte: more than 63 bits
                int x = b[at++] & 0xff;
                value |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) return value;
            }
            at = end;
            return -1;
        }
    }
}
