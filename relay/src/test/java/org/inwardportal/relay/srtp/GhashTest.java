package org.inwardportal.relay.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table GHASH against SP 800-38D's bit-by-bit definition (§6.3 Algorithm 1, §6.4). */
class GhashTest {

    @Test
    void agreesWithTheBitByBitDefinition() {
        Random r = new Random(17);
        for (int i = 0; i < 2000; i++) {
            byte[] h = new byte[16];
            r.nextBytes(h);
            if (i < 128) { // H = x^i: each table entry built from one shift
                h = new byte[16];
                h[i >>> 3] = (byte) (0x80 >>> (i & 7));
            }
            byte[] aad = bytes(r, r.nextInt(40), i);
            byte[] c = bytes(r, r.nextInt(100), i);
            Ghash ghash = new Ghash(h);
            ghash.reset();
            ghash.update(aad, 0, aad.length);
            ghash.update(c, 0, c.length);
            ghash.lengths(aad.length, c.length);
            byte[] ours = new byte[16];
            ghash.digest(ours, 0);
            assertThat(ours).as("case %d", i).isEqualTo(reference(h, aad, c));
        }
    }

    /** Random bytes; every fourth case all 0xff (every table index and reduction at its largest). */
    private static byte[] bytes(Random r, int n, int i) {
        byte[] b = new byte[n];
        if (i % 4 == 3) java.util.Arrays.fill(b, (byte) 0xff);
        else r.nextBytes(b);
        return b;
    }

    private static byte[] reference(byte[] h, byte[] aad, byte[] c) {
        byte[] y = new byte[16];
        y = absorb(y, h, aad);
        y = absorb(y, h, c);
        byte[] lengths = new byte[16];
        long a = aad.length * 8L;
        long n = c.length * 8L;
        for (int i = 0; i < 8; i++) {
            lengths[7 - i] = (byte) (a >>> (8 * i));
            lengths[15 - i] = (byte) (n >>> (8 * i));
        }
        for (int i = 0; i < 16; i++) y[i] ^= lengths[i];
        return multiply(y, h);
    }

    private static byte[] absorb(byte[] y, byte[] h, byte[] data) {
        for (int at = 0; at < data.length; at += 16) {
            for (int i = 0; i < 16 && at + i < data.length; i++) y[i] ^= data[at + i];
            y = multiply(y, h);
        }
        return y;
    }

    /** X • Y, Algorithm 1: bit 0 is the most significant bit of byte 0; V • x is a right shift, reduced by R = 0xe1 || 0^120. */
    private static byte[] multiply(byte[] x, byte[] yIn) {
        byte[] z = new byte[16];
        byte[] v = yIn.clone();
        for (int i = 0; i < 128; i++) {
            if ((x[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
                for (int k = 0; k < 16; k++) z[k] ^= v[k];
            }
            boolean lsb = (v[15] & 1) != 0;
            for (int k = 15; k > 0; k--) v[k] = (byte) (((v[k] & 0xff) >>> 1) | ((v[k - 1] & 1) << 7));
            v[0] = (byte) ((v[0] & 0xff) >>> 1);
            if (lsb) v[0] ^= (byte) 0xe1;
        }
        return z;
    }
}
