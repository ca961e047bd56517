package org.inwardportal.relay.rtp;

import io.netty.buffer.ByteBuf;

/**
 * One media frame as the endpoint hands it to the pipeline: an Opus (or video) RTP payload,
 * untouched, with the header facts the pipeline needs. A flyweight: the endpoint fills the same
 * instance for every packet, and {@link #payload} is valid only during the callback (copy it into
 * a ring slot to keep it).
 */
public final class MediaFrame {
    public enum Kind { AUDIO, VIDEO }

    public Kind kind;
    public int ssrc;
    public int payloadType;
    public int sequence;
    public long timestamp;
    public boolean marker;
    /** RFC 6464 audio level in -dBov (0 loudest, 127 silence), or -1 when absent. */
    public int audioLevel;
    /** Whether RFC 6464's voice-activity flag is set (when the level is present). */
    public boolean voiceActivity;
    public long arrivalNanos;
    /** The received, decrypted packet; the payload (an Opus frame, RFC 7587, for audio) is at {@link #payloadOffset}. */
    public ByteBuf buffer;
    public int payloadOffset;
    public int payloadLength;

    /** Copies the payload into {@code dst}; returns its length. */
    public int copyPayload(byte[] dst) {
        buffer.getBytes(payloadOffset, dst, 0, payloadLength);
        return payloadLength;
    }
}
