package org.inwardportal.relay.srtp;

/**
 * GHASH of NIST SP 800-38D §6.4 for one hash key H, with Shoup's 4-bit tables (16 multiples of H
 * precomputed per key): a multiplication in GF(2^128) is 32 table lookups and shifts. No
 * allocation per message; one instance per key and thread.
 */
final class Ghash {
    /** Reduction constants for the 4 bits shifted out (the polynomial x^128 + x^7 + x^2 + x + 1, reflected). */
    private static final long[] LAST4 = {
            0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
            0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0};

    private final long[] hh = new long[16];
    private final long[] hl = new long[16];
    private long yh;
    private long yl;
    private final byte[] block = new byte[16];

    Ghash(byte[] h) {
        long vh = getLong(h, 0);
        long vl = getLong(h, 8);
        hh[8] = vh;
        hl[8] = vl;
        for (int i = 4; i > 0; i >>= 1) {
            long t = (vl & 1) * 0xe1000000L;
            vl = (vh << 63) | (vl >>> 1);
            vh = (vh >>> 1) ^ (t << 32);
            hh[i] = vh;
            hl[i] = vl;
        }
        for (int i = 2; i <= 8; i <<= 1) {
            for (int j = 1; j < i; j++) {
                hh[i + j] = hh[i] ^ hh[j];
                hl[i + j] = hl[i] ^ hl[j];
            }
        }
    }

    void reset() {
        yh = 0;
        yl = 0;
    }

    /** Absorbs {@code len} bytes, zero-padding the last block (AAD and ciphertext are padded separately). */
    void update(byte[] b, int off, int len) {
        int end = off + len;
        for (int at = off; at < end; at += 16) {
            int n = Math.min(16, end - at);
            if (n == 16) {
                yh ^= getLong(b, at);
                yl ^= getLong(b, at + 8);
            } else {
                java.util.Arrays.fill(block, (byte) 0);
                System.arraycopy(b, at, block, 0, n);
                yh ^= getLong(block, 0);
                yl ^= getLong(block, 8);
            }
            multiply();
        }
    }

    /** Absorbs the final block: bit lengths of the AAD and the ciphertext (SP 800-38D §7.1, step 5). */
    void lengths(long aadBytes, long cipherBytes) {
        yh ^= aadBytes * 8;
        yl ^= cipherBytes * 8;
        multiply();
    }

    /** Y = Y • H in GF(2^128). */
    private void multiply() {
        long zh = 0;
        long zl = 0;
        for (int i = 15; i >= 0; i--) {
            int x = (int) ((i < 8 ? yh >>> (8 * (7 - i)) : yl >>> (8 * (15 - i))) & 0xff);
            int lo = x & 0xf;
            int hi = x >>> 4;
            if (i != 15) {
                int rem = (int) (zl & 0xf);
                zl = (zh << 60) | (zl >>> 4);
                zh = (zh >>> 4) ^ (LAST4[rem] << 48);
            }
            zh ^= hh[lo];
            zl ^= hl[lo];
            int rem = (int) (zl & 0xf);
            zl = (zh << 60) | (zl >>> 4);
            zh = (zh >>> 4) ^ (LAST4[rem] << 48);
            zh ^= hh[hi];
            zl ^= hl[hi];
        }
        yh = zh;
        yl = zl;
    }

    void digest(byte[] out, int off) {
        putLong(out, off, yh);
        putLong(out, off + 8, yl);
    }

    static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[at + i] & 0xffL);
        return v;
    }

    static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }
}
