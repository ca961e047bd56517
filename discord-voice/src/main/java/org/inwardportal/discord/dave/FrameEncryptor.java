package org.inwardportal.discord.dave;

import static org.inwardportal.discord.dave.DaveFrameFormat.GENERATION_SHIFT;
import static org.inwardportal.discord.dave.DaveFrameFormat.KEY_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.MAX_OPUS_SUPPLEMENTAL_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.MIN_SUPPLEMENTAL_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.NONCE_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.TAG_BYTES;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.inwardportal.relay.srtp.AesGcm;

/**
 * The sending side of DAVE's frame transform for one sender (whitepaper "Encoded Frame
 * Transforms"): each frame is encrypted whole with AES-128-GCM under the sender's key of the
 * current generation, and the supplemental data is appended: 8-byte tag, ULEB128 truncated nonce,
 * no unencrypted ranges, size byte, {@code FA FA}.
 *
 * <p>Codec handling ("Codec Handling"): Opus frames are fully encrypted, as the whitepaper
 * requires; so is every other frame. The codec-specific unencrypted ranges of VP8, H264/H265 and
 * AV1 are not implemented (Discord bots cannot send video); a fully encrypted frame is what the
 * whitepaper prescribes for an unknown codec, so this is safe, only not packetizer-friendly for video.
 *
 * <p>Nonces ("Truncated synchronization nonce", "Key Rotation"): a counter that starts again with a
 * new key ratchet (the first frame carries 1, as libdave's does); its top byte is the generation,
 * so the key changes every 2^24 frames, and the generation keeps counting when the 32-bit counter
 * wraps.
 *
 * <p>Nothing is allocated per frame: the cipher of the current generation is kept (a new one is
 * made once per generation). Not thread-safe: one sending thread.
 */
public final class FrameEncryptor {
    private static final byte[] NO_AAD = new byte[0];

    private final byte[] key = new byte[KEY_BYTES];
    private final byte[] nonce = new byte[NONCE_BYTES];
    private final byte[] scratch;
    private SenderKeyRatchet ratchet;
    private AesGcm cipher;
    private long generation;
    private int truncatedNonce;
    private boolean passthrough;
    private FrameFailure lastFailure = FrameFailure.NONE;

    /** An encryptor whose direct-buffer path handles frames up to {@code maxFrameBytes}. */
    public FrameEncryptor(int maxFrameBytes) {
        scratch = new byte[maxFrameBytes + MAX_OPUS_SUPPLEMENTAL_BYTES];
    }

    /** An encryptor for audio frames (Opus frames are at most 1275 bytes). */
    public FrameEncryptor() {
        this(4096);
    }

    /** Bytes a frame of {@code frameBytes} can take once encrypted. */
    public static int maxEncryptedSize(int frameBytes) {
        return frameBytes + MAX_OPUS_SUPPLEMENTAL_BYTES;
    }

    /**
     * Starts using {@code newRatchet} (a new epoch, or null for none): the nonce starts again and
     * the generation is 0. The encryptor does not close the previous ratchet; its owner does.
     */
    public void setKeyRatchet(SenderKeyRatchet newRatchet) {
        ratchet = newRatchet;
        cipher = null;
        generation = 0;
        truncatedNonce = 0;
    }

    /** Tests: the next frame carries {@code nonce + 1} (to reach generation changes and the 32-bit wrap quickly). */
    void continueAfterNonce(int nonce) {
        truncatedNonce = nonce;
    }

    /** Passthrough: frames leave unchanged (protocol version 0, or a downgrade executed). */
    public void setPassthrough(boolean on) {
        passthrough = on;
    }

    public boolean passthrough() {
        return passthrough;
    }

    /** Why the last call returned -1. */
    public FrameFailure lastFailure() {
        return lastFailure;
    }

    /**
     * Encrypts {@code frame[off..off+len)} into {@code out} at {@code outOff} (which may be the same
     * place: in-place encryption works). Returns the bytes written, or -1 (see {@link #lastFailure()}).
     */
    public int encrypt(byte[] frame, int off, int len, byte[] out, int outOff) {
        return encrypt(frame, off, len, out, outOff, out.length - outOff);
    }

    private int encrypt(byte[] frame, int off, int len, byte[] out, int outOff, int outRoom) {
        if (passthrough) {
            if (outRoom < len) return fail(FrameFailure.OUTPUT_TOO_SMALL);
            System.arraycopy(frame, off, out, outOff, len);
            return len;
        }
        if (ratchet == null) return fail(FrameFailure.MISSING_KEY_RATCHET);
        int n = truncatedNonce + 1;
        long g = DaveFrameFormat.wrappedGeneration(generation, n >>> GENERATION_SHIFT);
        int nonceBytes = Uleb128.size(n & 0xFFFF_FFFFL);
        int supplemental = MIN_SUPPLEMENTAL_BYTES + nonceBytes;
        if (outRoom < len + supplemental) return fail(FrameFailure.OUTPUT_TOO_SMALL);
        if (g != generation || cipher == null) {
            if (!ratchet.key(g, key, 0)) return fail(FrameFailure.GENERATION_UNAVAILABLE);
            cipher = new AesGcm(key);
            Arrays.fill(key, (byte) 0);
            // The previous generation's key is not needed by the sender any more.
            if (g != generation) ratchet.erase(generation);
            generation = g;
        }
        truncatedNonce = n;
        if (frame != out || off != outOff) System.arraycopy(frame, off, out, outOff, len);
        DaveFrameFormat.expandNonce(n, nonce);
        cipher.seal(nonce, NO_AAD, 0, 0, out, outOff, len, TAG_BYTES);
        int p = outOff + len + TAG_BYTES;
        p += Uleb128.write(n & 0xFFFF_FFFFL, out, p);
        out[p++] = (byte) supplemental;
        out[p++] = (byte) 0xFA;
        out[p++] = (byte) 0xFA;
        lastFailure = FrameFailure.NONE;
        return p - outOff;
    }

    /**
     * Encrypts {@code frame}'s remaining bytes into {@code out} at its position; both positions
     * advance on success. Heap buffers are worked on in place; direct ones through a buffer made
     * once. Returns the bytes written or -1.
     */
    public int encrypt(ByteBuffer frame, ByteBuffer out) {
        int len = frame.remaining();
        if (frame.hasArray() && out.hasArray()) {
            int written = encrypt(frame.array(), frame.arrayOffset() + frame.position(), len,
                    out.array(), out.arrayOffset() + out.position(), out.remaining());
            if (written >= 0) {
                frame.position(frame.position() + len);
                out.position(out.position() + written);
            }
            return written;
        }
        if (len > scratch.length - MAX_OPUS_SUPPLEMENTAL_BYTES) return fail(FrameFailure.FRAME_TOO_LARGE);
        frame.get(frame.position(), scratch, 0, len);
        int written = encrypt(scratch, 0, len, scratch, 0, scratch.length);
        if (written < 0) return written;
        if (out.remaining() < written) return fail(FrameFailure.OUTPUT_TOO_SMALL);
        out.put(scratch, 0, written);
        frame.position(frame.position() + len);
        return written;
    }

    private int fail(FrameFailure why) {
        lastFailure = why;
        return -1;
    }
}
