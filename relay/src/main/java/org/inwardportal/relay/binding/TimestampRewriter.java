package org.inwardportal.relay.binding;

/**
 * The RTP timestamp of one outgoing Opus stream whose frames come from changing sources (a
 * speaker, another speaker, the mixer). Within one source the source's own steps are carried over
 * (its silences included, as Discord clients and libwebrtc advance their clocks through them); at a
 * change of source, or when a source's step is not believable, the clock advances with wall time,
 * rounded to whole frames. The receiver thus sees one continuous 48 kHz clock (RFC 3550 §5.1:
 * timestamps of one SSRC must advance with the sampling instant, whoever produced the audio).
 */
final class TimestampRewriter {
    static final int FRAME = 960;               // 20 ms at 48 kHz
    static final long FRAME_NANOS = 20_000_000;
    private static final long MAX_STEP = 48_000L * 60; // a source's step beyond a minute is not believed

    private long out;
    private long lastIn;
    private long lastNanos;
    private boolean started;

    /** The next frame of the source that produced the previous one, with its own RTP timestamp. */
    long follow(long inTimestamp, long nowNanos) {
        long step = (inTimestamp - lastIn) & 0xFFFFFFFFL;
        if (!started) {
            started = true;
        } else if (step == 0 || step > MAX_STEP) {
            out += wallFrames(nowNanos) * FRAME;
        } else {
            out += step;
        }
        lastIn = inTimestamp;
        lastNanos = nowNanos;
        return out & 0xFFFFFFFFL;
    }

    /** The first frame of a new source: the clock moves on by the wall time since the last frame. */
    long switchTo(long inTimestamp, long nowNanos) {
        if (started) out += wallFrames(nowNanos) * FRAME;
        started = true;
        lastIn = inTimestamp;
        lastNanos = nowNanos;
        return out & 0xFFFFFFFFL;
    }

    /** A frame made by the relay itself (a mixing tick): exactly one frame on. */
    long tick(long nowNanos) {
        if (started) out += FRAME;
        started = true;
        lastNanos = nowNanos;
        return out & 0xFFFFFFFFL;
    }

    /** When the last frame was stamped (System.nanoTime clock). */
    long lastNanos() {
        return lastNanos;
    }

    boolean started() {
        return started;
    }

    // at least one frame: two frames never share a timestamp
    private long wallFrames(long nowNanos) {
        return Math.max(1, Math.round((double) (nowNanos - lastNanos) / FRAME_NANOS));
    }
}
