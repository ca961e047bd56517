package org.inwardportal.discord.dave;

/**
 * Constants and small rules of DAVE's protocol frame (the DAVE protocol whitepaper, version 1.1.4,
 * "Encoded Frame Transforms"; github.com/discord/dave-protocol, protocol.md). Section names below
 * are that document's headings.
 *
 * <pre>
 * interleaved media frame | 8-byte truncated tag | ULEB128 nonce | ULEB128 (offset, size)* | size (1 byte) | FA FA
 * </pre>
 */
public final class DaveFrameFormat {
    private DaveFrameFormat() {}

    /** "Truncated authentication tag": AES128-GCM tags are truncated to 64 bits. */
    public static final int TAG_BYTES = 8;
    /** "Magic Marker": the last two bytes of every protocol frame. */
    public static final int MAGIC_MARKER = 0xFAFA;
    public static final int MAGIC_MARKER_BYTES = 2;
    /** "Payload Format": the one-byte size of the protocol supplemental data. */
    public static final int SUPPLEMENTAL_SIZE_BYTES = 1;
    /** The smallest supplemental data: tag, size byte and marker (the nonce adds at least one more). */
    public static final int MIN_SUPPLEMENTAL_BYTES = TAG_BYTES + SUPPLEMENTAL_SIZE_BYTES + MAGIC_MARKER_BYTES;
    /** A 32-bit value takes at most five ULEB128 bytes. */
    public static final int MAX_NONCE_BYTES = 5;
    /** Supplemental data of a frame with no unencrypted ranges (all Opus frames), at most. */
    public static final int MAX_OPUS_SUPPLEMENTAL_BYTES = MIN_SUPPLEMENTAL_BYTES + MAX_NONCE_BYTES;
    /** AES128-GCM key and full nonce sizes ("Media Ciphersuite", "Truncated synchronization nonce"). */
    public static final int KEY_BYTES = 16;
    public static final int NONCE_BYTES = 12;
    /** "Key Rotation": the most significant byte of the 32-bit truncated nonce is the ratchet generation. */
    public static final int GENERATION_SHIFT = 24;
    public static final int GENERATION_WRAP = 256;
    /** "Key Rotation": keys of previous generations and epochs are kept for up to ten seconds. */
    public static final long KEY_RETENTION_NANOS = 10_000_000_000L;
    /** "Silence Packets": the Opus frame the SFU synthesizes, passed through undecrypted. */
    public static final byte[] OPUS_SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
    /** "Sender Key Derivation": the MLS exporter label of the per-sender base secret. */
    public static final String EXPORTER_LABEL = "Discord Secure Frames v0";

    // Receiver limits not fixed by the whitepaper; the values libdave uses, so both accept the same frames.
    /** Frames whose generation is more than this ahead of the newest one seen are refused. */
    public static final int MAX_GENERATION_GAP = 250;
    /** 50 audio frames plus two 60 fps video streams per second: bounds the generation a ratchet can have reached. */
    public static final int MAX_FRAMES_PER_SECOND = 50 + 2 * 60;

    /**
     * "Truncated synchronization nonce": the 96-bit AES-GCM nonce is eight zero bytes followed by
     * the 32-bit truncated nonce. libdave copies the integer in the host's byte order, which is
     * little-endian on every platform Discord ships, so the four bytes are written little-endian
     * (checked against libdave by the interop test).
     */
    public static void expandNonce(int truncatedNonce, byte[] nonce12) {
        for (int i = 0; i < 8; i++) nonce12[i] = 0;
        nonce12[8] = (byte) truncatedNonce;
        nonce12[9] = (byte) (truncatedNonce >>> 8);
        nonce12[10] = (byte) (truncatedNonce >>> 16);
        nonce12[11] = (byte) (truncatedNonce >>> 24);
    }

    /**
     * "Key Rotation": generations keep counting when the 8-bit generation in the nonce wraps. The
     * 8-bit value is taken to be at or after {@code oldest} (a frame from before it is caught by the
     * generation checks).
     */
    public static long wrappedGeneration(long oldest, int generation8) {
        long remainder = oldest % GENERATION_WRAP;
        long factor = oldest / GENERATION_WRAP + (generation8 < remainder ? 1 : 0);
        return factor * GENERATION_WRAP + generation8;
    }

    /** "Silence Packets": exactly F8 FF FE. */
    public static boolean isOpusSilence(byte[] b, int off, int len) {
        return len == 3 && b[off] == OPUS_SILENCE[0] && b[off + 1] == OPUS_SILENCE[1] && b[off + 2] == OPUS_SILENCE[2];
    }
}
