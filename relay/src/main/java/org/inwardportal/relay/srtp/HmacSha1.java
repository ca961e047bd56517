package org.inwardportal.relay.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) that allocates nothing per message: the JDK's {@code Mac.doFinal} allocates
 * its intermediate digests on every call, which shows on a per-packet path. Same work otherwise:
 * one inner and one outer hash over the padded key blocks.
 */
final class HmacSha1 {
    private static final int BLOCK = 64;
    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];
    private final byte[] innerDigest = new byte[20];

    HmacSha1(byte[] key) {
        try {
            inner = MessageDigest.getInstance("SHA-1");
            outer = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
        byte[] k = key.length > BLOCK ? inner.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (b ^ 0x36);
            opad[i] = (byte) (b ^ 0x5c);
        }
        inner.update(ipad);
    }

    void update(byte[] b, int off, int len) {
        inner.update(b, off, len);
    }

    /** Writes the 20-byte MAC into {@code out[off..]} and resets for the next message. */
    void doFinal(byte[] out, int off) {
        try {
            inner.digest(innerDigest, 0, 20);
            inner.update(ipad);
            outer.update(opad);
            outer.update(innerDigest, 0, 20);
            outer.digest(out, off, 20);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
