package org.inwardportal.relay.binding;

import org.inwardportal.relay.opus.OpusEncoder;

/**
 * One outgoing Opus stream fed by several sources (toward Discord: the shard's and viewers'
 * audio; toward the shard in mixed mode: the Discord speakers). While one source speaks its frames
 * are passed through untouched, with no jitter buffer (the receiver has one). When a second source
 * speaks while the first still does, the stream switches to the {@link MixingStage} and the owner
 * calls {@link #tick} every 20 ms; after {@link #RETURN_TICKS} ticks in which at most one source
 * contributed, it switches back.
 *
 * <p>Seamless both ways: the timestamp runs on without a jump ({@link TimestampRewriter}); on the
 * way in, the active source's last frame primes its decoder and its play point continues right after
 * that frame (a frame that does not come is concealed, not skipped); a source that stops is faded
 * out, not cut; on the way out, the frames still buffered for the remaining source are sent before
 * the next passed one. The receiver's decoder takes the change of encoder in its stride (measured in
 * {@code OutgoingStreamTest}: no frame rougher than steady state, level within 5 %).
 *
 * <p>One thread drives {@link #frame} and {@link #tick}; nothing is allocated per frame.
 */
final class OutgoingStream implements AutoCloseable {
    /** Where the stream's frames go, with the RTP timestamp they carry and when their audio reached the relay. */
    interface Emitter {
        /** @param arrivalNanos the arrival of the oldest frame in it, or {@code Long.MAX_VALUE} if all was concealed */
        void emit(byte[] opus, int length, long rtpTimestamp, long arrivalNanos);
    }

    /** Ticks with at most one contributing source before mixing ends. */
    static final int RETURN_TICKS = 10;

    private final MixingStage stage;
    private final Emitter out;
    private final long holdNanos;
    private final TimestampRewriter clock = new TimestampRewriter();
    private final byte[] packet = new byte[OpusRing.MAX_FRAME];
    // the active source's last passed frame, to prime the mixer with
    private final byte[] last = new byte[OpusRing.MAX_FRAME];
    private int lastLength;
    private int lastSequence;
    private long lastTimestamp;
    private long lastArrival;

    private long active = -1;
    private long activeLastNanos;
    private boolean mixing;
    private boolean resync; // after mixing the clock runs on wall time until the next passed frame
    private int quietTicks;
    private long toMixing, toPassthrough, mixNanosTotal, ticks, lastTickNanos;

    /**
     * @param maxSources how many sources can be mixed at once
     * @param encoder    the mixer's encoder (owned by the stream from here on)
     * @param holdNanos  how long after its last frame a source still counts as speaking
     */
    OutgoingStream(int maxSources, OpusEncoder encoder, long holdNanos, Emitter out) {
        this.stage = new MixingStage(maxSources, encoder);
        this.holdNanos = holdNanos;
        this.out = out;
    }

    /** A source's frame as it arrives. In passthrough it is emitted now (or starts mixing); while mixing it is buffered. */
    void frame(long source, byte[] opus, int length, int sequence, long timestamp, long arrivalNanos, long nowNanos) {
        if (mixing) {
            stage.offer(source, opus, length, sequence, timestamp, arrivalNanos);
            return;
        }
        if (source != active && active != -1 && nowNanos - activeLastNanos < holdNanos) {
            startMixing();
            stage.offer(source, opus, length, sequence, timestamp, arrivalNanos);
            return;
        }
        long ts = source == active && !resync ? clock.follow(timestamp, nowNanos) : clock.switchTo(timestamp, nowNanos);
        resync = false;
        active = source;
        activeLastNanos = nowNanos;
        System.arraycopy(opus, 0, last, 0, length);
        lastLength = length;
        lastSequence = sequence;
        lastTimestamp = timestamp;
        lastArrival = arrivalNanos;
        out.emit(opus, length, ts, arrivalNanos);
    }

    private void startMixing() {
        mixing = true;
        quietTicks = 0;
        toMixing++;
        stage.prime(active, last, lastLength, lastSequence, lastTimestamp, lastArrival);
    }

    /** A 20 ms tick (only while {@link #mixing}): one mixed frame, if any source has audio. */
    void tick(long nowNanos) {
        if (!mixing) return;
        long t0 = System.nanoTime();
        int n = stage.tick(packet);
        lastTickNanos = System.nanoTime() - t0;
        mixNanosTotal += lastTickNanos;
        ticks++;
        long ts = clock.tick(nowNanos);
        if (n > 0) out.emit(packet, n, ts, stage.lastTickOldestArrival());
        if (stage.lastSources() > 1) {
            quietTicks = 0;
        } else if (++quietTicks >= RETURN_TICKS) {
            stopMixing(stage.lastSoleSource(), nowNanos);
        }
    }

    // back to passthrough: what is still buffered for the remaining speaker goes out first
    private void stopMixing(long remaining, long nowNanos) {
        mixing = false;
        toPassthrough++;
        active = remaining;
        activeLastNanos = nowNanos;
        resync = true;
        if (remaining != -1) {
            int n;
            while ((n = stage.takeBuffered(remaining, packet)) > 0) {
                out.emit(packet, n, clock.tick(nowNanos), Long.MAX_VALUE);
            }
        }
        stage.clear();
    }

    /** True while the stream mixes (its owner must then call {@link #tick} every 20 ms). */
    boolean mixing() {
        return mixing;
    }

    /** When the stream last emitted or ticked (System.nanoTime clock), to phase the first tick. */
    long lastFrameNanos() {
        return clock.lastNanos();
    }

    MixingStage stage() { return stage; }
    long switchesToMixing() { return toMixing; }
    long switchesToPassthrough() { return toPassthrough; }
    long mixNanosTotal() { return mixNanosTotal; }
    long ticks() { return ticks; }
    /** How long the last tick's decode, mix and encode took. */
    long lastTickNanos() { return lastTickNanos; }

    @Override
    public void close() {
        stage.close();
    }
}
