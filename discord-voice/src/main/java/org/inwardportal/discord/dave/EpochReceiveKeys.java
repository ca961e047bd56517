package org.inwardportal.discord.dave;

import static org.inwardportal.discord.dave.DaveFrameFormat.KEY_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.KEY_RETENTION_NANOS;
import static org.inwardportal.discord.dave.DaveFrameFormat.MAX_FRAMES_PER_SECOND;
import static org.inwardportal.discord.dave.DaveFrameFormat.MAX_GENERATION_GAP;

import java.util.Arrays;
import org.inwardportal.relay.srtp.AesGcm;

/**
 * A receiver's keys for one sender in one epoch (one {@link SenderKeyRatchet}): a cipher per
 * generation in use, the generations still allowed, and the nonces already decrypted. Whitepaper
 * "Key Rotation": when a newer generation decrypts, older generations stay usable for ten seconds
 * (frames out of order), then their ciphers are dropped and their keys erased from the ratchet.
 * The epoch itself expires when the decryptor moves to a newer epoch (see {@link FrameDecryptor}).
 */
final class EpochReceiveKeys implements AutoCloseable {
    private final SenderKeyRatchet ratchet;
    private final long created;
    private long expiry = Long.MAX_VALUE;
    private long oldestGeneration;
    private long newestGeneration;
    private final ReplayWindow replay = new ReplayWindow();
    private final byte[] key = new byte[KEY_BYTES];
    // Generations with a cipher (few at a time: a generation lasts 2^24 frames).
    private long[] generations = new long[4];
    private AesGcm[] ciphers = new AesGcm[4];
    private long[] cipherExpiry = new long[4];
    private int count;

    EpochReceiveKeys(SenderKeyRatchet ratchet, long now) {
        this.ratchet = ratchet;
        this.created = now;
    }

    SenderKeyRatchet ratchet() {
        return ratchet;
    }

    void expireBy(long when) {
        expiry = Math.min(expiry, when);
    }

    boolean expired(long now) {
        return expiry != Long.MAX_VALUE && now - expiry > 0;
    }

    long generationOf(int generation8) {
        return DaveFrameFormat.wrappedGeneration(oldestGeneration, generation8);
    }

    boolean canProcess(long bigNonce) {
        return replay.canProcess(bigNonce);
    }

    /** The cipher of {@code generation}, made when first needed; null when that generation is not allowed. */
    AesGcm cipher(long generation, long now) {
        dropExpired(now);
        if (generation < oldestGeneration) return null;
        if (generation > newestGeneration + MAX_GENERATION_GAP) return null;
        // A ratchet cannot have reached a generation faster than the most frames a sender sends.
        long lifetimeSeconds = (now - created) / 1_000_000_000L;
        if (generation > (MAX_FRAMES_PER_SECOND * lifetimeSeconds) >>> DaveFrameFormat.GENERATION_SHIFT) return null;
        for (int i = 0; i < count; i++) {
            if (generations[i] == generation) return ciphers[i];
        }
        if (!ratchet.key(generation, key, 0)) return null;
        AesGcm cipher = new AesGcm(key);
        Arrays.fill(key, (byte) 0);
        if (count == generations.length) {
            generations = Arrays.copyOf(generations, count * 2);
            ciphers = Arrays.copyOf(ciphers, count * 2);
            cipherExpiry = Arrays.copyOf(cipherExpiry, count * 2);
        }
        generations[count] = generation;
        ciphers[count] = cipher;
        // A generation older than the newest is only kept for the grace period.
        cipherExpiry[count] = generation < newestGeneration ? now + KEY_RETENTION_NANOS : Long.MAX_VALUE;
        count++;
        return cipher;
    }

    /** A frame of {@code generation} decrypted: remember its nonce, and start the grace period of older generations. */
    void succeeded(long generation, long bigNonce, long now) {
        replay.markProcessed(bigNonce);
        if (generation <= newestGeneration) return;
        newestGeneration = generation;
        for (int i = 0; i < count; i++) {
            if (generations[i] < newestGeneration && cipherExpiry[i] == Long.MAX_VALUE) {
                cipherExpiry[i] = now + KEY_RETENTION_NANOS;
            }
        }
    }

    private void dropExpired(long now) {
        for (int i = 0; i < count; ) {
            if (cipherExpiry[i] != Long.MAX_VALUE && now - cipherExpiry[i] > 0) {
                count--;
                generations[i] = generations[count];
                ciphers[i] = ciphers[count];
                cipherExpiry[i] = cipherExpiry[count];
                ciphers[count] = null;
            } else {
                i++;
            }
        }
        // Erase from the ratchet every generation below the newest that has no cipher any more.
        while (oldestGeneration < newestGeneration && !hasCipher(oldestGeneration)) {
            ratchet.erase(oldestGeneration);
            oldestGeneration++;
        }
    }

    private boolean hasCipher(long generation) {
        for (int i = 0; i < count; i++) {
            if (generations[i] == generation) return true;
        }
        return false;
    }

    long oldestGeneration() {
        return oldestGeneration;
    }

    int liveGenerations() {
        return count;
    }

    @Override
    public void close() {
        Arrays.fill(ciphers, null);
        count = 0;
        ratchet.close();
    }
}
