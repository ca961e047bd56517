package org.inwardportal.relay.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH of NIST SP 800-38D §6.4 for one hash key H, with Shoup's 8-bit tables (McGrew and Viega,
 * "The Galois/Counter Mode of Operation", §4.1): the 256 multiples b • H of every byte value b are
 * precomputed per key (4 KB), so a multiplication in GF(2^128) is 16 table lookups, each but the
 * first after a shift by 8 bits whose reduction comes from one shared 256-entry table. Bit order
 * is SP 800-38D's: bit 0 of a block is the most significant bit of its first byte, so
 * multiplying by x is a right shift. No allocation per message; one instance per key and thread.
 */
final class Ghash {
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** R = 11100001 || 0^120 (SP 800-38D §6.3), as the high 64 bits. */
    private static final long R = 0xe100000000000000L;
    /** For the byte b shifted out by a shift of 8: what reducing it adds to the high 64 bits. */
    private static final long[] REDUCE8 = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long h = 0;
            long l = b;
            for (int i = 0; i < 8; i++) {
                long carry = l & 1;
                l = (h << 63) | (l >>> 1);
                h = (h >>> 1) ^ (-carry & R);
            }
            REDUCE8[b] = h; // l is 0 now: every bit of b was shifted out and reduced into h's top 16 bits
        }
    }

    /** b • H for every byte b: high 64 bits at [2b], low at [2b + 1]. */
    private final long[] table = new long[512];
    private long yh;
    private long yl;
    private final byte[] block = new byte[16];

    Ghash(byte[] h) {
        // The byte 0x80 is the polynomial 1, 0x40 is x, ... 0x01 is x^7.
        long vh = getLong(h, 0);
        long vl = getLong(h, 8);
        for (int bit = 0x80; bit > 0; bit >>>= 1) {
            table[2 * bit] = vh;
            table[2 * bit + 1] = vl;
            long carry = vl & 1;
            vl = (vh << 63) | (vl >>> 1);
            vh = (vh >>> 1) ^ (-carry & R);
        }
        for (int hi = 2; hi < 256; hi <<= 1) {
            for (int lo = 1; lo < hi; lo++) {
                table[2 * (hi + lo)] = table[2 * hi] ^ table[2 * lo];
                table[2 * (hi + lo) + 1] = table[2 * hi + 1] ^ table[2 * lo + 1];
            }
        }
    }

    void reset() {
        yh = 0;
        yl = 0;
    }

    /** Absorbs {@code len} bytes, zero-padding the last block (AAD and ciphertext are padded separately). */
    void update(byte[] b, int off, int len) {
        int at = off;
        int whole = off + (len & ~15);
        for (; at < whole; at += 16) {
            yh ^= getLong(b, at);
            yl ^= getLong(b, at + 8);
            multiply();
        }
        int rest = off + len - at;
        if (rest > 0) {
            java.util.Arrays.fill(block, (byte) 0);
            System.arraycopy(b, at, block, 0, rest);
            yh ^= getLong(block, 0);
            yl ^= getLong(block, 8);
            multiply();
        }
    }

    /** Absorbs the final block: bit lengths of the AAD and the ciphertext (SP 800-38D §7.1, step 5). */
    void lengths(long aadBytes, long cipherBytes) {
        yh ^= aadBytes * 8;
        yl ^= cipherBytes * 8;
        multiply();
    }

    /**
     * Y = Y • H in GF(2^128), Horner's rule over Y's bytes from the last (the highest powers of x)
     * to the first: Z = Z • x^8 + y[i] • H.
     */
    private void multiply() {
        long[] t = table;
        long l = yl;
        long h = yh;
        int b = (int) l & 0xff;
        long zh = t[2 * b];
        long zl = t[2 * b + 1];
        for (int s = 8; s < 64; s += 8) {
            int out = (int) zl & 0xff;
            zl = (zh << 56) | (zl >>> 8);
            zh = (zh >>> 8) ^ REDUCE8[out];
            b = (int) (l >>> s) & 0xff;
            zh ^= t[2 * b];
            zl ^= t[2 * b + 1];
        }
        for (int s = 0; s < 64; s += 8) {
            int out = (int) zl & 0xff;
            zl = (zh << 56) | (zl >>> 8);
            zh = (zh >>> 8) ^ REDUCE8[out];
            b = (int) (h >>> s) & 0xff;
            zh ^= t[2 * b];
            zl ^= t[2 * b + 1];
        }
        yh = zh;
        yl = zl;
    }

    void digest(byte[] out, int off) {
        BIG_ENDIAN_LONG.set(out, off, yh);
        BIG_ENDIAN_LONG.set(out, off + 8, yl);
    }

    static long getLong(byte[] b, int at) {
        return (long) BIG_ENDIAN_LONG.get(b, at);
    }

    static void putLong(byte[] b, int at, long v) {
        BIG_ENDIAN_LONG.set(b, at, v);
    }
}
