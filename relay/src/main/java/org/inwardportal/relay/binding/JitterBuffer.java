package org.inwardportal.relay.binding;

/**
 * One source's adaptive jitter buffer, used only while mixing (passthrough leaves jitter to the
 * receiver). The mixer calls {@link #take} once per 20 ms tick; the source's frames arrive through
 * {@link #put} on the same thread (the binding's mixing stage), so nothing here is shared.
 *
 * <p>Rules, in the spirit of NetEQ but much smaller:
 * <ul>
 *   <li>Frames are ordered by RTP sequence number (16-bit, wrapping, RFC 3550 §A.1 style
 *       comparisons); a frame behind the play point is late and dropped, a second copy is a
 *       duplicate and dropped.
 *   <li>Inter-arrival jitter is estimated as in RFC 3550 §6.4.1 (J += (|D| − J) / 16, in timestamp
 *       units). The target depth is one frame plus two jitters' worth of frames, capped.
 *   <li>A talk spurt starts playing once the target depth is buffered.
 *   <li>If the next frame is missing the tick is {@link Take#LOST} (the caller conceals it, or
 *       recovers it from the next frame's in-band FEC when {@link #fecAvailable} says that frame is
 *       here). The play point waits for a missing frame while fewer than the target depth of later
 *       frames are buffered — which is how the delay grows under jitter — and skips it otherwise.
 *   <li>More than target + 1 frames buffered: the oldest is cut, so the delay shrinks back.
 *   <li>After {@code maxConcealed} concealed ticks with nothing buffered the spurt has ended:
 *       {@link Take#EMPTY} and the buffer starts over.
 * </ul>
 * Every slot is allocated up front; {@code put} and {@code take} allocate nothing.
 */
final class JitterBuffer {

    /** What a tick yields. */
    enum Take {
        /** A frame was copied out. */
        FRAME,
        /** The next frame is missing: conceal it (or recover it with FEC). */
        LOST,
        /** A talk spurt is filling up to the target depth: play nothing from this source yet. */
        BUFFERING,
        /** Nothing to play: the source is silent. */
        EMPTY
    }

    private final int capacity;
    private final int mask;
    private final int maxDepth;
    private final int maxConcealed;
    private final int samplesPerFrame;
    private final long ticksPerSecond;

    private final byte[][] data;
    private final int[] length;
    private final int[] seqOf;
    private final boolean[] present;
    private final long[] arrivalOf;
    private int buffered;

    private boolean playing;
    private int nextSeq;     // the frame the next tick plays (only while playing)
    private int lowestSeq;   // the earliest frame buffered (only while not playing)
    private int concealedInRow;
    private int lastLength;  // of the frame last copied out
    private long lastArrival; // when the frame last copied out by take() reached the relay
    private int lostSeq;     // the frame the last LOST tick stood in for

    private boolean haveTransit;
    private long lastTransit;
    private double jitter;   // RFC 3550 §6.4.1, timestamp units

    private long late, duplicates, restarts, skipped, trimmed, concealed;

    /**
     * @param capacity        slots, a power of two ≥ 4 (frames further ahead than this restart the buffer)
     * @param maxDepth        the cap on the target depth, in frames
     * @param maxConcealed    concealed ticks with nothing buffered before the spurt counts as ended
     * @param samplesPerFrame RTP timestamp units per frame (960 for 20 ms Opus)
     * @param clockRate       RTP clock rate (48 000 for Opus)
     */
    JitterBuffer(int capacity, int maxDepth, int maxConcealed, int samplesPerFrame, int clockRate) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4) throw new IllegalArgumentException("capacity must be a power of two ≥ 4");
        if (maxDepth < 1 || maxDepth >= capacity) throw new IllegalArgumentException("maxDepth must be in [1, capacity)");
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxDepth = maxDepth;
        this.maxConcealed = maxConcealed;
        this.samplesPerFrame = samplesPerFrame;
        this.ticksPerSecond = clockRate;
        this.data = new byte[capacity][OpusRing.MAX_FRAME];
        this.length = new int[capacity];
        this.seqOf = new int[capacity];
        this.present = new boolean[capacity];
        this.arrivalOf = new long[capacity];
    }

    /**
     * Stores one frame. Returns false (and counts why) when the frame is late, a duplicate or too
     * large; a frame far ahead of the play point restarts the buffer with it.
     */
    boolean put(byte[] frame, int len, int seq, long rtpTimestamp, long arrivalNanos) {
        if (len > OpusRing.MAX_FRAME) return false;
        seq &= 0xFFFF;
        updateJitter(rtpTimestamp, arrivalNanos);
        if (playing) {
            int ahead = (short) (seq - nextSeq);
            if (ahead < 0) {
                late++;
                return false;
            }
            if (ahead >= capacity) restart();
        } else if (buffered > 0) {
            int offset = (short) (seq - lowestSeq);
            // an earlier frame of a spurt not yet playing becomes its start, if the spurt still fits
            if (offset < 0 && highestOffset() - offset >= capacity) {
                late++;
                return false;
            }
            if (offset >= capacity) restart();
        }
        int i = seq & mask;
        if (present[i]) {
            if (seqOf[i] == seq) {
                duplicates++;
                return false;
            }
            present[i] = false; // a stale frame a full lap behind: overwritten
            buffered--;
        }
        System.arraycopy(frame, 0, data[i], 0, len);
        length[i] = len;
        seqOf[i] = seq;
        arrivalOf[i] = arrivalNanos;
        present[i] = true;
        if (!playing && (buffered == 0 || (short) (seq - lowestSeq) < 0)) lowestSeq = seq;
        buffered++;
        trimToTarget();
        return true;
    }

    /**
     * One tick: copies the next frame into {@code out} (see {@link #frameLength}) and returns what
     * happened.
     */
    Take take(byte[] out) {
        if (!playing) {
            if (buffered == 0) return Take.EMPTY;
            if (buffered < targetDepth()) return Take.BUFFERING;
            playing = true;
            nextSeq = lowestSeq;
            concealedInRow = 0;
        }
        int i = nextSeq & mask;
        if (present[i] && seqOf[i] == nextSeq) {
            System.arraycopy(data[i], 0, out, 0, length[i]);
            lastLength = length[i];
            lastArrival = arrivalOf[i];
            present[i] = false;
            buffered--;
            nextSeq = (nextSeq + 1) & 0xFFFF;
            concealedInRow = 0;
            return Take.FRAME;
        }
        if (buffered == 0 && concealedInRow >= maxConcealed) {
            playing = false;
            concealedInRow = 0;
            return Take.EMPTY;
        }
        concealed++;
        concealedInRow++;
        lostSeq = nextSeq;
        if (buffered > 0 && buffered >= targetDepth()) {
            skipped++;
            nextSeq = (nextSeq + 1) & 0xFFFF; // give up on it: the frames behind it are waiting
        }
        return Take.LOST;
    }


    /** The length of the frame the last {@link Take#FRAME} or {@link #peekFollower} copied. */
    int frameLength() {
        return lastLength;
    }

    /** When the frame the last {@link Take#FRAME} copied out arrived (the clock {@code put} was given). */
    long frameArrivalNanos() {
        return lastArrival;
    }

    /**
     * After {@link Take#LOST}: whether the frame right after the lost one is here, so its in-band FEC
     * can rebuild the lost one (Opus carries frame n's redundancy in frame n + 1).
     */
    boolean fecAvailable() {
        int s = (lostSeq + 1) & 0xFFFF;
        int i = s & mask;
        return present[i] && seqOf[i] == s;
    }

    /** Copies the frame {@link #fecAvailable} found into {@code out} without consuming it; its length, or -1. */
    int peekFollower(byte[] out) {
        if (!fecAvailable()) return -1;
        int i = (lostSeq + 1) & mask;
        System.arraycopy(data[i], 0, out, 0, length[i]);
        lastLength = length[i];
        return length[i];
    }

    /** Frames buffered now. */
    int depth() {
        return buffered;
    }

    /** The depth the buffer aims for now, in frames. */
    int targetDepth() {
        int extra = (int) Math.ceil(2 * jitter / samplesPerFrame);
        return Math.min(maxDepth, 1 + extra);
    }

    /** The current jitter estimate in milliseconds. */
    double jitterMillis() {
        return jitter * 1000.0 / ticksPerSecond;
    }

    long late() { return late; }
    long duplicates() { return duplicates; }
    long restarts() { return restarts; }
    long skipped() { return skipped; }
    long trimmed() { return trimmed; }
    long concealed() { return concealed; }

    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long arrivalTicks = arrivalNanos * ticksPerSecond / 1_000_000_000L;
        long transit = arrivalTicks - (rtpTimestamp & 0xFFFFFFFFL);
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            if (d < ticksPerSecond * 10) jitter += (d - jitter) / 16.0; // ignore wraps and restarts
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private void trimToTarget() {
        int limit = targetDepth() + 1;
        while (playing && buffered > limit) {
            int i = nextSeq & mask;
            if (present[i] && seqOf[i] == nextSeq) {
                present[i] = false;
                buffered--;
                trimmed++;
            }
            nextSeq = (nextSeq + 1) & 0xFFFF;
        }
    }

    // offset of the highest buffered frame from lowestSeq (not playing), scanning the slots
    private int highestOffset() {
        int best = 0;
        for (int k = 0; k < capacity; k++) {
            if (!present[k]) continue;
            int off = (short) (seqOf[k] - lowestSeq);
            if (off > best) best = off;
        }
        return best;
    }

    /** Forgets frames, play point and jitter estimate, as for a new source (counters stay). */
    void reset() {
        dropFrames();
        haveTransit = false;
        jitter = 0;
    }

    // a frame far from the play point: the source restarted its numbering, start the spurt over
    private void restart() {
        restarts++;
        dropFrames();
    }

    private void dropFrames() {
        java.util.Arrays.fill(present, false);
        buffered = 0;
        playing = false;
        concealedInRow = 0;
    }
}
