package org.inwardportal.discord.dave;

import static org.inwardportal.discord.dave.DaveFrameFormat.MAGIC_MARKER;
import static org.inwardportal.discord.dave.DaveFrameFormat.MAGIC_MARKER_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.MIN_SUPPLEMENTAL_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.SUPPLEMENTAL_SIZE_BYTES;
import static org.inwardportal.discord.dave.DaveFrameFormat.TAG_BYTES;

/**
 * The protocol supplemental data at the end of a DAVE frame (whitepaper "Payload Format"), parsed
 * with the checks of "Protocol Frame Check". Reusable: {@link #parse} overwrites the previous
 * result and allocates nothing; it never throws on any content of the frame.
 */
public final class FrameTrailer {
    /** The supplemental data size is one byte, so at most (255 - 12) / 2 ranges fit. */
    static final int MAX_RANGES = (255 - MIN_SUPPLEMENTAL_BYTES - 1) / 2;

    private final Uleb128.Reader reader = new Uleb128.Reader();
    private final int[] rangeOffset = new int[MAX_RANGES];
    private final int[] rangeSize = new int[MAX_RANGES];
    private TrailerCheck check = TrailerCheck.TOO_SHORT;
    private int mediaLength;
    private int supplementalSize;
    private int nonce;
    private int ranges;

    /** Parses the trailer of {@code frame[off..off+len)}; {@link TrailerCheck#PROTOCOL_FRAME} when it is a protocol frame. */
    public TrailerCheck parse(byte[] frame, int off, int len) {
        ranges = 0;
        mediaLength = 0;
        check = check(frame, off, len);
        return check;
    }

    private TrailerCheck check(byte[] f, int off, int len) {
        if (len < MIN_SUPPLEMENTAL_BYTES) return TrailerCheck.TOO_SHORT;
        int end = off + len;
        int marker = ((f[end - 2] & 0xff) << 8) | (f[end - 1] & 0xff);
        if (marker != MAGIC_MARKER) return TrailerCheck.NO_MAGIC_MARKER;
        int size = f[end - MAGIC_MARKER_BYTES - SUPPLEMENTAL_SIZE_BYTES] & 0xff;
        // The nonce takes at least one byte, so the minimum proper is one more than tag + size + marker.
        if (size <= MIN_SUPPLEMENTAL_BYTES) return TrailerCheck.SUPPLEMENTAL_SIZE_TOO_SMALL;
        if (size > len) return TrailerCheck.SUPPLEMENTAL_SIZE_TOO_LARGE;
        supplementalSize = size;
        mediaLength = len - size;
        int nonceAt = end - size + TAG_BYTES;
        int rangesEnd = end - MAGIC_MARKER_BYTES - SUPPLEMENTAL_SIZE_BYTES;
        reader.reset(f, nonceAt, rangesEnd);
        long n = reader.next();
        if (n < 0 || n > 0xFFFF_FFFFL) return TrailerCheck.MALFORMED_NONCE;
        nonce = (int) n;
        long previousEnd = 0;
        while (reader.hasMore()) {
            long offset = reader.next();
            if (offset < 0 || !reader.hasMore()) return TrailerCheck.MALFORMED_RANGES;
            long rangeLength = reader.next();
            if (rangeLength < 0) return TrailerCheck.MALFORMED_RANGES;
            // Ascending, not overlapping, inside the interleaved media frame (values are < 2^63, so no overflow).
            if (offset < previousEnd || offset > mediaLength || rangeLength > mediaLength - offset) {
                return TrailerCheck.RANGES_OUT_OF_ORDER;
            }
            if (ranges == MAX_RANGES) return TrailerCheck.TOO_MANY_RANGES;
            rangeOffset[ranges] = (int) offset;
            rangeSize[ranges] = (int) rangeLength;
            ranges++;
            previousEnd = offset + rangeLength;
        }
        return TrailerCheck.PROTOCOL_FRAME;
    }

    public TrailerCheck check() {
        return check;
    }

    /** Length of the interleaved media frame (ciphertext and unencrypted ranges); the tag follows it. */
    public int mediaLength() {
        return mediaLength;
    }

    public int supplementalSize() {
        return supplementalSize;
    }

    /** The 32-bit truncated synchronization nonce (unsigned). */
    public int truncatedNonce() {
        return nonce;
    }

    /** The 8-bit ratchet generation: the nonce's most significant byte. */
    public int generation8() {
        return nonce >>> DaveFrameFormat.GENERATION_SHIFT;
    }

    public int rangeCount() {
        return ranges;
    }

    public int rangeOffset(int i) {
        return rangeOffset[i];
    }

    public int rangeSize(int i) {
        return rangeSize[i];
    }

    /** Total bytes in unencrypted ranges (the additional authenticated data). */
    public int unencryptedBytes() {
        int total = 0;
        for (int i = 0; i < ranges; i++) total += rangeSize[i];
        return total;
    }
}
