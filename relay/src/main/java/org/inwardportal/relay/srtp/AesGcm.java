package org.inwardportal.relay.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle NATIVE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Counter blocks encrypted per ECB call (the first call also encrypts J0 for the tag). */
    private static final int CHUNK_BLOCKS = (SrtpTransformer.MAX_PACKET + 32) >>> 4;
    private final Cipher ecb;
    private final Ghash ghash;
    private final byte[] counters = new byte[(CHUNK_BLOCKS + 1) << 4];
    private final byte[] keystream = new byte[(CHUNK_BLOCKS + 1) << 4];
    private final byte[] tag = new byte[16];
    private final byte[] tagMask = new byte[16];

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
        start(iv12, n);
        crypt(iv12, buf, from, n);
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
        start(iv12, n);
        authenticate(aad, aadOff, aadLen, buf, from, n);
        int diff = 0;
        for (int i = 0; i < tagLen; i++) diff |= tag[i] ^ buf[from + n + i];
        if (diff != 0) return false;
        crypt(iv12, buf, from, n);
        return true;
    }

    private static void checkTagLength(int tagLen) {
        if (tagLen < 1 || tagLen > TAG) throw new IllegalArgumentException("GCM tag length " + tagLen + " is not 1..16 bytes");
    }

    /**
     * One ECB call for J0 = IV || 1 (its encryption masks the tag, SP 800-38D §7.1 step 6) and the
     * first chunk of counter blocks from inc32(J0) (step 3): {@code keystream} then holds E(J0) and
     * that chunk's keystream.
     */
    private void start(byte[] iv12, int n) {
        int blocks = Math.min((n + 15) >>> 4, CHUNK_BLOCKS);
        counterBlocks(iv12, 1, blocks + 1);
        encryptBlocks((blocks + 1) << 4);
        System.arraycopy(keystream, 0, tagMask, 0, 16);
    }

    /** CTR (SP 800-38D §6.5): the first chunk's keystream is there from {@link #start}; later chunks are made here. */
    private void crypt(byte[] iv12, byte[] buf, int from, int n) {
        int chunk = Math.min(n, CHUNK_BLOCKS << 4);
        xor(buf, from, 16, chunk);
        int counter = 2 + CHUNK_BLOCKS;
        for (int done = chunk; done < n; done += chunk) {
            chunk = Math.min(n - done, CHUNK_BLOCKS << 4);
            int blocks = (chunk + 15) >>> 4;
            counterBlocks(iv12, counter, blocks);
            encryptBlocks(blocks << 4);
            xor(buf, from + done, 0, chunk);
            counter += blocks;
        }
    }

    /** {@code counters} = blocks IV || counter, IV || counter + 1, ... (inc32 wraps modulo 2^32). */
    private void counterBlocks(byte[] iv12, int counter, int blocks) {
        long ivHead = (long) NATIVE_LONG.get(iv12, 0);
        int ivTail = (int) BIG_ENDIAN_INT.get(iv12, 8);
        for (int b = 0, o = 0; b < blocks; b++, o += 16) {
            NATIVE_LONG.set(counters, o, ivHead);
            BIG_ENDIAN_INT.set(counters, o + 8, ivTail);
            BIG_ENDIAN_INT.set(counters, o + 12, counter + b);
        }
    }

    private void xor(byte[] buf, int at, int keyAt, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            NATIVE_LONG.set(buf, at + i, (long) NATIVE_LONG.get(buf, at + i) ^ (long) NATIVE_LONG.get(keystream, keyAt + i));
        }
        for (; i < len; i++) buf[at + i] ^= keystream[keyAt + i];
    }

    private void authenticate(byte[] aad, int aadOff, int aadLen, byte[] c, int from, int n) {
        ghash.reset();
        ghash.update(aad, aadOff, aadLen);
        ghash.update(c, from, n);
        ghash.lengths(aadLen, n);
        ghash.digest(tag, 0);
        for (int i = 0; i < 16; i++) tag[i] ^= tagMask[i];
    }

    private void encryptBlocks(int len) {
        try {
            ecb.update(counters, 0, len, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
