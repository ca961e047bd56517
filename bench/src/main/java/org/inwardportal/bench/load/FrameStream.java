package org.inwardportal.bench.load;

/**
 * One audio stream of a load run from its sender to its receiver (a shard toward Discord, or one
 * member toward the shard): the sender stamps frame k when it sends it; the receiver, which sees
 * only the payload's place in the clip loop, takes it for the next k with that place and gets its
 * end-to-end latency. Frames sent while {@code measuring} are the window that loss is counted on.
 * One sending thread and one receiving thread.
 */
final class FrameStream {
    private static final int RING = 1024; // 20 s of send stamps: more than any delay that is not a loss
    private final long[] sentAt = new long[RING];
    private volatile long sent;
    private long lastReceived = -1, lastArrival;
    private volatile long windowStart = -1, windowEnd = -1;
    private volatile long receivedInWindow;

    /** Stamps the next frame (before it goes, so its arrival cannot come first); returns its number. */
    long stamp(long nowNanos) {
        long k = sent;
        sentAt[(int) (k % RING)] = nowNanos;
        sent = k + 1;
        return k;
    }

    long sent() {
        return sent;
    }

    void openWindow() {
        windowStart = sent;
    }

    void closeWindow() {
        windowEnd = sent;
    }

    /** Frames sent in the window. */
    long windowSent() {
        return windowStart < 0 ? 0 : (windowEnd < 0 ? sent : windowEnd) - windowStart;
    }

    long windowReceived() {
        return receivedInWindow;
    }

    /**
     * A frame at {@code place} in the loop arrived at {@code arrivalNanos}: records its latency (and
     * the gap since the previous frame when that was the one just before it) while in the window.
     */
    void received(int place, long arrivalNanos, LatencyHistogram latency, LatencyHistogram gaps) {
        long next = lastReceived + 1;
        long k = next + Math.floorMod(place - next, OpusClips.CYCLE);
        long s = sent;
        if (k >= s || k < s - RING) return; // not sent yet, or older than the stamps kept: not ours to time
        boolean consecutive = k == lastReceived + 1 && lastReceived >= 0;
        long gap = arrivalNanos - lastArrival;
        lastReceived = k;
        lastArrival = arrivalNanos;
        long start = windowStart, end = windowEnd;
        if (start < 0 || k < start || (end >= 0 && k >= end)) return;
        receivedInWindow++;
        latency.recordNanos(arrivalNanos - sentAt[(int) (k % RING)]);
        if (consecutive && gaps != null) gaps.recordNanos(gap);
    }
}
