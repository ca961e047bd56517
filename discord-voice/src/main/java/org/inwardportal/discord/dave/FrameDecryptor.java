package org.inwardportal.discord.dave;

import static org.inwardportal.discord.dave.DaveFrameFormat.KEY_RETENTION_NANOS;
import static org.inwardportal.discord.dave.DaveFrameFormat.NONCE_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.TAG_BYTES;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.inwardportal.relay.srtp.AesGcm;

/**
 * The receiving side of DAVE's frame transform for one remote sender (whitepaper "Encoded Frame
 * Transforms"). Codec-unaware, as the whitepaper requires: it honours whatever unencrypted ranges
 * a frame carries.
 *
 * <ul>
 *   <li>"Silence Packets": an audio frame of exactly {@code F8 FF FE} passes through, always.
 *   <li>"Protocol Frame Check": a frame that is not a protocol frame passes through only in
 *       passthrough mode (protocol version 0, or up to ten seconds after leaving it).
 *   <li>"Protocol Version Changes": on a new epoch the previous key ratchet stays usable for up to
 *       ten seconds; the newest is tried first.
 *   <li>"Key Rotation": generations from the nonce's top byte, wrapping; see {@link EpochReceiveKeys}.
 *   <li>"Truncated synchronization nonce": a nonce decrypts once ({@link ReplayWindow}).
 * </ul>
 *
 * Nothing is allocated per frame. Not thread-safe: one receiving thread per sender.
 */
public final class FrameDecryptor implements AutoCloseable {
    private final LongSupplier clock;
    private final FrameTrailer trailer = new FrameTrailer();
    private final byte[] nonce = new byte[NONCE_BYTES];
    private final byte[] aad;
    private final byte[] work;
    private final byte[] directFrame;
    private EpochReceiveKeys[] epochs = new EpochReceiveKeys[2]; // oldest first
    private int epochCount;
    private boolean passthroughForever;
    private boolean passthroughTimed;
    private long passthroughUntil;
    private FrameFailure lastFailure = FrameFailure.NONE;

    /**
     * A decryptor on {@code nanoClock} (e.g. {@code System::nanoTime}) whose buffers take frames of
     * up to {@code maxFrameBytes}. It starts with passthrough off (as libdave's does) and no key
     * ratchet: every frame but silence is refused until one of the transitions below.
     */
    public FrameDecryptor(LongSupplier nanoClock, int maxFrameBytes) {
        clock = nanoClock;
        aad = new byte[maxFrameBytes];
        work = new byte[maxFrameBytes + TAG_BYTES];
        directFrame = new byte[maxFrameBytes];
    }

    public FrameDecryptor() {
        this(System::nanoTime, 4096);
    }

    /** Why the last call returned -1. */
    public FrameFailure lastFailure() {
        return lastFailure;
    }

    /** The protocol frame check of the last frame decrypted or refused. */
    public TrailerCheck lastTrailerCheck() {
        return trailer.check();
    }

    /** {@link #transitionToKeyRatchet(SenderKeyRatchet, long)} with the whitepaper's ten seconds. */
    public void transitionToKeyRatchet(SenderKeyRatchet ratchet) {
        transitionToKeyRatchet(ratchet, KEY_RETENTION_NANOS);
    }

    /**
     * A new epoch: ratchets held so far stay usable for at most {@code keepPreviousNanos}; then
     * {@code ratchet} (null: none) is tried first. The decryptor owns the ratchets it is given and
     * closes (wipes) them when they expire.
     */
    public void transitionToKeyRatchet(SenderKeyRatchet ratchet, long keepPreviousNanos) {
        long now = clock.getAsLong();
        for (int i = 0; i < epochCount; i++) epochs[i].expireBy(now + keepPreviousNanos);
        if (ratchet == null) return;
        if (epochCount == epochs.length) epochs = Arrays.copyOf(epochs, epochCount * 2);
        epochs[epochCount++] = new EpochReceiveKeys(ratchet, now);
    }

    /** {@link #transitionToPassthrough(boolean, long)} with the whitepaper's ten seconds. */
    public void transitionToPassthrough(boolean on) {
        transitionToPassthrough(on, KEY_RETENTION_NANOS);
    }

    /**
     * Passthrough on (at once, until turned off), or off: frames that are not protocol frames still
     * pass for at most {@code expiryNanos} (whitepaper "Protocol Version Changes", "Upgrade from
     * Transport-Only Encryption").
     */
    public void transitionToPassthrough(boolean on, long expiryNanos) {
        long now = clock.getAsLong();
        if (on) {
            passthroughForever = true;
        } else if (passthroughForever) {
            passthroughForever = false;
            passthroughTimed = true;
            passthroughUntil = now + expiryNanos;
        } else if (passthroughTimed && now + expiryNanos - passthroughUntil < 0) {
            passthroughUntil = now + expiryNanos;
        }
    }

    /** Key ratchets (epochs) held right now. */
    public int epochs() {
        return epochCount;
    }

    /**
     * Decrypts {@code in[off..off+len)} into {@code out} at {@code outOff} (it may be the same
     * place). {@code out} needs room for {@code len} bytes at most. Returns the length of the
     * media frame, or -1 (see {@link #lastFailure()}).
     */
    public int decrypt(byte[] in, int off, int len, byte[] out, int outOff) {
        return decrypt(in, off, len, out, outOff, out.length - outOff);
    }

    private int decrypt(byte[] in, int off, int len, byte[] out, int outOff, int outRoom) {
        if (DaveFrameFormat.isOpusSilence(in, off, len)) return pass(in, off, len, out, outOff, outRoom);
        long now = clock.getAsLong();
        dropExpiredEpochs(now);
        if (trailer.parse(in, off, len) != TrailerCheck.PROTOCOL_FRAME) {
            if (passthroughForever || (passthroughTimed && passthroughUntil - now > 0)) return pass(in, off, len, out, outOff, outRoom);
            return fail(FrameFailure.NOT_A_PROTOCOL_FRAME);
        }
        int media = trailer.mediaLength();
        if (outRoom < media + TAG_BYTES) return fail(FrameFailure.OUTPUT_TOO_SMALL);
        int tagAt = off + media;
        boolean ranges = trailer.rangeCount() > 0;
        byte[] cipherBuf;
        int cipherOff;
        int cipherLen;
        int aadLen = 0;
        if (!ranges) {
            // Ciphertext then tag, contiguous: open them where the plaintext is to go.
            if (in != out || off != outOff) System.arraycopy(in, off, out, outOff, media + TAG_BYTES);
            cipherBuf = out;
            cipherOff = outOff;
            cipherLen = media;
        } else {
            aadLen = trailer.unencryptedBytes();
            cipherLen = media - aadLen;
            if (cipherLen > aad.length || aadLen > aad.length) return fail(FrameFailure.FRAME_TOO_LARGE);
            gather(in, off, media, aadLen);
            System.arraycopy(in, tagAt, work, cipherLen, TAG_BYTES);
            cipherBuf = work;
            cipherOff = 0;
        }
        DaveFrameFormat.expandNonce(trailer.truncatedNonce(), nonce);
        FrameFailure result = FrameFailure.MISSING_KEY_RATCHET;
        for (int i = epochCount - 1; i >= 0; i--) {
            EpochReceiveKeys epoch = epochs[i];
            long generation = epoch.generationOf(trailer.generation8());
            long big = ReplayWindow.bigNonce(generation, trailer.truncatedNonce());
            if (!epoch.canProcess(big)) {
                result = FrameFailure.REPLAYED_NONCE;
                continue;
            }
            AesGcm cipher = epoch.cipher(generation, now);
            if (cipher == null) {
                result = FrameFailure.GENERATION_UNAVAILABLE;
                continue;
            }
            if (!cipher.open(nonce, aad, 0, aadLen, cipherBuf, cipherOff, cipherLen, TAG_BYTES)) {
                result = FrameFailure.AUTHENTICATION_FAILED;
                continue;
            }
            epoch.succeeded(generation, big, now);
            if (ranges) scatter(in, off, media, out, outOff, cipherLen);
            lastFailure = FrameFailure.NONE;
            return media;
        }
        return fail(result);
    }

    /**
     * Decrypts {@code in}'s remaining bytes into {@code out} at its position; both positions advance
     * on success. Heap buffers are worked on in place, direct ones through a buffer made once.
     */
    public int decrypt(ByteBuffer in, ByteBuffer out) {
        int len = in.remaining();
        int written;
        if (in.hasArray() && out.hasArray()) {
            written = decrypt(in.array(), in.arrayOffset() + in.position(), len,
                    out.array(), out.arrayOffset() + out.position(), out.remaining());
            if (written < 0) return written;
        } else {
            if (len > directFrame.length) return fail(FrameFailure.FRAME_TOO_LARGE);
            in.get(in.position(), directFrame, 0, len);
            written = decrypt(directFrame, 0, len, directFrame, 0, directFrame.length);
            if (written < 0) return written;
            if (out.remaining() < written) return fail(FrameFailure.OUTPUT_TOO_SMALL);
            out.put(out.position(), directFrame, 0, written);
        }
        in.position(in.position() + len);
        out.position(out.position() + written);
        return written;
    }

    /** Unencrypted ranges into {@code aad}, the rest of the media frame into {@code work} (whitepaper "Interleaved protocol media frame"). */
    private void gather(byte[] in, int off, int media, int aadLen) {
        int at = 0;
        int a = 0;
        int c = 0;
        for (int i = 0; i < trailer.rangeCount(); i++) {
            int ro = trailer.rangeOffset(i);
            int rs = trailer.rangeSize(i);
            System.arraycopy(in, off + at, work, c, ro - at);
            c += ro - at;
            System.arraycopy(in, off + ro, aad, a, rs);
            a += rs;
            at = ro + rs;
        }
        System.arraycopy(in, off + at, work, c, media - at);
    }

    /** The media frame rebuilt: unencrypted ranges where they were, plaintext in the gaps. */
    private void scatter(byte[] in, int off, int media, byte[] out, int outOff, int cipherLen) {
        System.arraycopy(in, off, out, outOff, media);
        int at = 0;
        int c = 0;
        for (int i = 0; i < trailer.rangeCount(); i++) {
            int ro = trailer.rangeOffset(i);
            System.arraycopy(work, c, out, outOff + at, ro - at);
            c += ro - at;
            at = ro + trailer.rangeSize(i);
        }
        System.arraycopy(work, c, out, outOff + at, cipherLen - c);
    }

    private void dropExpiredEpochs(long now) {
        int drop = 0;
        while (drop < epochCount && epochs[drop].expired(now)) drop++;
        if (drop == 0) return;
        for (int i = 0; i < drop; i++) epochs[i].close();
        System.arraycopy(epochs, drop, epochs, 0, epochCount - drop);
        for (int i = epochCount - drop; i < epochCount; i++) epochs[i] = null;
        epochCount -= drop;
    }

    private int pass(byte[] in, int off, int len, byte[] out, int outOff, int outRoom) {
        if (outRoom < len) return fail(FrameFailure.OUTPUT_TOO_SMALL);
        System.arraycopy(in, off, out, outOff, len);
        lastFailure = FrameFailure.NONE;
        return len;
    }

    private int fail(FrameFailure why) {
        lastFailure = why;
        return -1;
    }

    /** Wipes every key held. */
    @Override
    public void close() {
        for (int i = 0; i < epochCount; i++) epochs[i].close();
        Arrays.fill(epochs, null);
        epochCount = 0;
    }
}
