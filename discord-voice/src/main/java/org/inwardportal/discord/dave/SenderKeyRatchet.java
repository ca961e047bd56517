package org.inwardportal.discord.dave;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One sender's media key ratchet for one MLS epoch (whitepaper "Sender Key Derivation" and "Key
 * Rotation"). It is the hash ratchet of RFC 9420 §9.1 started from the sender's 16-byte base
 * secret, for cipher suite 2 (SHA-256, AES-128-GCM):
 *
 * <pre>
 * key[g]      = ExpandWithLabel(secret[g], "key",    uint32(g), 16)
 * secret[g+1] = ExpandWithLabel(secret[g], "secret", uint32(g), 32)      secret[0] = base secret
 * ExpandWithLabel(S, L, C, n) = HKDF-Expand(S, uint16(n) || opaque8("MLS 1.0 " + L) || opaque8(C), n)
 * </pre>
 *
 * (RFC 9420 §5.1 ExpandWithLabel, §9.1 DeriveTreeSecret; the per-generation nonce of §9.1 is not
 * used by DAVE, whose nonce travels in the frame.) Keys are derived forward on demand and kept
 * until {@link #erase erased}; an erased generation, or one behind the ratchet, is gone for good.
 * Secrets are overwritten with zeros when no longer needed (the JCE's own copies inside its HMAC
 * cannot be reached). Not thread-safe; derivation happens once per generation (every 2^24
 * frames), never per frame.
 */
public final class SenderKeyRatchet implements AutoCloseable {
    private static final byte[] KEY_LABEL = "MLS 1.0 key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECRET_LABEL = "MLS 1.0 secret".getBytes(StandardCharsets.US_ASCII);
    private static final int SECRET_BYTES = 32;

    private final Mac hmac;
    private final byte[] info = new byte[2 + 1 + 14 + 1 + 4 + 1];
    private final Map<Long, byte[]> keys = new HashMap<>();
    private byte[] nextSecret;
    private long nextGeneration;
    private boolean closed;

    /** A ratchet from {@code baseSecret} (copied; the caller may wipe its array). */
    public SenderKeyRatchet(byte[] baseSecret) {
        if (baseSecret.length == 0) throw new IllegalArgumentException("empty base secret");
        nextSecret = baseSecret.clone();
        try {
            hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copies the key of {@code generation} into {@code out[off..off+16)}. False when that key was
     * erased or the ratchet has moved past it, or the ratchet is closed.
     */
    public boolean key(long generation, byte[] out, int off) {
        if (closed || generation < 0 || generation > 0xFFFF_FFFFL) return false;
        byte[] k = keys.get(generation);
        if (k == null) {
            if (generation < nextGeneration) return false;
            while (nextGeneration <= generation) step();
            k = keys.get(generation);
        }
        System.arraycopy(k, 0, out, off, k.length);
        return true;
    }

    /** Wipes the key of {@code generation}; it can no longer be had from this ratchet. */
    public void erase(long generation) {
        byte[] k = keys.remove(generation);
        if (k != null) Arrays.fill(k, (byte) 0);
    }

    /** Generations whose keys are held right now. */
    public int heldKeys() {
        return keys.size();
    }

    /** Wipes every key and the chain secret. */
    @Override
    public void close() {
        closed = true;
        for (byte[] k : keys.values()) Arrays.fill(k, (byte) 0);
        keys.clear();
        Arrays.fill(nextSecret, (byte) 0);
    }

    private void step() {
        long g = nextGeneration;
        byte[] key = expand(nextSecret, KEY_LABEL, g, DaveFrameFormat.KEY_BYTES);
        byte[] secret = expand(nextSecret, SECRET_LABEL, g, SECRET_BYTES);
        Arrays.fill(nextSecret, (byte) 0);
        nextSecret = secret;
        keys.put(g, key);
        nextGeneration = g + 1;
    }

    /** HKDF-Expand (RFC 5869) for one block, n <= 32: T(1) = HMAC(secret, KDFLabel || 0x01). */
    private byte[] expand(byte[] secret, byte[] label, long generation, int n) {
        int p = 0;
        info[p++] = (byte) (n >>> 8);
        info[p++] = (byte) n;
        info[p++] = (byte) label.length; // MLS variable-length vector: lengths below 64 take one byte
        System.arraycopy(label, 0, info, p, label.length);
        p += label.length;
        info[p++] = 4;
        info[p++] = (byte) (generation >>> 24);
        info[p++] = (byte) (generation >>> 16);
        info[p++] = (byte) (generation >>> 8);
        info[p++] = (byte) generation;
        info[p++] = 1;
        byte[] t = new byte[SECRET_BYTES];
        try {
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            hmac.update(info, 0, p);
            hmac.doFinal(t, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (n == t.length) return t;
        byte[] out = Arrays.copyOf(t, n);
        Arrays.fill(t, (byte) 0);
        return out;
    }
}
