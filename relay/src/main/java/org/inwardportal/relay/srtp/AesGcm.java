package org.inwardportal.relay.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 96-bit IV and a 128-bit tag (NIST SP 800-38D) built on a cached AES-ECB cipher:
 * counter mode over counter blocks and {@link Ghash}, so a new IV per packet needs no cipher
 * initialisation and allocates nothing (JCE's GCM allocates about 1 KB per {@code init}).
 * Truncated tags (SP 800-38D §5.2.1.2: the leftmost bytes of the full tag) are available for
 * protocols that use them, e.g. DAVE's 8-byte tags. One instance per key and thread.
 */
public final class AesGcm {
    public static final int TAG = 16;
    private final Cipher ecb;
    private final Ghash ghash;
    private final byte[] j0 = new byte[16];
    private final byte[] tagMask = new byte[16];
    private final byte[] counters = new byte[SrtpTransformer.MAX_PACKET + 32];
    private final byte[] keystream = new byte[SrtpTransformer.MAX_PACKET + 32];
    private final byte[] tag = new byte[16];

    public AesGcm(byte[] key) {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            byte[] h = new byte[16];
            ecb.doFinal(new byte[16], 0, 16, h, 0);
            ghash = new Ghash(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encrypts {@code buf[from..from+n)} in place and writes the tag right after it. */
    public void seal(byte[] iv12, byte[] aad, int aadOff, int aadLen, byte[] buf, int from, int n) {
        seal(iv12, aad, aadOff, aadLen, buf, from, n, TAG);
    }

    /** As {@link #seal(byte[], byte[], int, int, byte[], int, int)} with the tag truncated to {@code tagLen} bytes (1..16). */
    public void seal(byte[] iv12, byte[] aad, int aadOff, int aadLen, byte[] buf, int from, int n, int tagLen) {
        checkTagLength(tagLen);
        start(iv12);
        crypt(buf, from, n);
        authenticate(aad, aadOff, aadLen, buf, from, n);
        System.arraycopy(tag, 0, buf, from + n, tagLen);
    }

    /** Verifies the tag after {@code buf[from..from+n)} and decrypts in place; false if it does not verify. */
    public boolean open(byte[] iv12, byte[] aad, int aadOff, int aadLen, byte[] buf, int from, int n) {
        return open(iv12, aad, aadOff, aadLen, buf, from, n, TAG);
    }

    /** As {@link #open(byte[], byte[], int, int, byte[], int, int)} with a tag of {@code tagLen} bytes (1..16), compared in constant time. */
    public boolean open(byte[] iv12, byte[] aad, int aadOff, int aadLen, byte[] buf, int from, int n, int tagLen) {
        checkTagLength(tagLen);
        start(iv12);
        authenticate(aad, aadOff, aadLen, buf, from, n);
        int diff = 0;
        for (int i = 0; i < tagLen; i++) diff |= tag[i] ^ buf[from + n + i];
        if (diff != 0) return false;
        crypt(buf, from, n);
        return true;
    }

    private static void checkTagLength(int tagLen) {
        if (tagLen < 1 || tagLen > TAG) throw new IllegalArgumentException("GCM tag length " + tagLen + " is not 1..16 bytes");
    }

    private void start(byte[] iv12) {
        System.arraycopy(iv12, 0, j0, 0, 12);
        j0[12] = 0;
        j0[13] = 0;
        j0[14] = 0;
        j0[15] = 1;
        encryptBlocks(j0, 16, tagMask);
    }

    /** CTR with inc32 from J0 + 1 (SP 800-38D §6.5, §7.1 step 3), in chunks of the keystream buffer. */
    private void crypt(byte[] buf, int from, int n) {
        int counter = 2;
        for (int done = 0; done < n; ) {
            int chunk = Math.min(n - done, keystream.length);
            int blocks = (chunk + 15) >>> 4;
            for (int b = 0; b < blocks; b++) {
                int o = b << 4;
                System.arraycopy(j0, 0, counters, o, 12);
                int c = counter + b;
                counters[o + 12] = (byte) (c >>> 24);
                counters[o + 13] = (byte) (c >>> 16);
                counters[o + 14] = (byte) (c >>> 8);
                counters[o + 15] = (byte) c;
            }
            encryptBlocks(counters, blocks << 4, keystream);
            for (int i = 0; i < chunk; i++) buf[from + done + i] ^= keystream[i];
            counter += blocks;
            done += chunk;
        }
    }

    private void authenticate(byte[] aad, int aadOff, int aadLen, byte[] c, int from, int n) {
        ghash.reset();
        ghash.update(aad, aadOff, aadLen);
        ghash.update(c, from, n);
        ghash.lengths(aadLen, n);
        ghash.digest(tag, 0);
        for (int i = 0; i < 16; i++) tag[i] ^= tagMask[i];
    }

    private void encryptBlocks(byte[] in, int len, byte[] out) {
        try {
            ecb.update(in, 0, len, out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
