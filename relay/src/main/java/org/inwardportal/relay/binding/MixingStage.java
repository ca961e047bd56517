package org.inwardportal.relay.binding;

import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;

/**
 * The mixing path of one direction of a binding, for when two or more sources speak at once:
 * per source a {@link JitterBuffer} and an {@link OpusDecoder}; per 20 ms tick each source yields a
 * decoded frame, a frame rebuilt from the next one's in-band FEC, or a concealed one; the
 * {@link PcmMixer} sums and limits them and one {@link OpusEncoder} call makes the tick's packet.
 *
 * <p>Sources are found by a scan of a small fixed table (no map, nothing allocated per frame); a
 * source silent for {@link #FORGET_TICKS} ticks gives its slot, decoder reset, to the next new one.
 * One thread drives {@link #offer} and {@link #tick}.
 */
final class MixingStage implements AutoCloseable {
    static final int SAMPLES = 960; // 20 ms, mono, 48 kHz
    static final int FORGET_TICKS = 250; // 5 s

    /** Concealed ticks with nothing buffered before a source's spurt counts as over. */
    static final int MAX_CONCEALED = 3;

    private static final class Source {
        long id = -1;
        int idleTicks;
        int concealedInRow;
        final JitterBuffer jitter = new JitterBuffer(32, 8, MAX_CONCEALED, SAMPLES, 48_000);
        final OpusDecoder decoder = new OpusDecoder(1);
    }

    private final Source[] sources;
    private final OpusEncoder encoder;
    private final PcmMixer mixer = new PcmMixer(SAMPLES);
    private final byte[] packet = new byte[OpusRing.MAX_FRAME];
    private final short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
    private final short[] mix = new short[SAMPLES];

    private long decoded, concealed, fecRecovered, undecodable, noSlot;
    private int lastSources;
    private long lastSoleSource = -1;
    private long oldestArrival;

    /** @param maxSources how many sources can be mixed; further ones are dropped and counted */
    MixingStage(int maxSources, OpusEncoder encoder) {
        this.sources = new Source[maxSources];
        for (int i = 0; i < maxSources; i++) sources[i] = new Source();
        this.encoder = encoder;
    }

    /** One source's frame, as it arrives. False if it was not kept (late, duplicate, no free slot). */
    boolean offer(long source, byte[] opus, int length, int sequence, long timestamp, long arrivalNanos) {
        Source s = find(source);
        if (s == null) {
            noSlot++;
            return false;
        }
        s.idleTicks = 0;
        return s.jitter.put(opus, length, sequence, timestamp, arrivalNanos);
    }

    /** One 20 ms tick: the mix encoded into {@code out}; its length, or 0 if no source had audio. */
    int tick(byte[] out) {
        mixer.clear();
        oldestArrival = Long.MAX_VALUE;
        lastSoleSource = -1;
        for (Source s : sources) {
            if (s.id == -1) continue;
            int before = mixer.sources();
            switch (s.jitter.take(packet)) {
                case FRAME -> {
                    s.concealedInRow = 0;
                    oldestArrival = Math.min(oldestArrival, s.jitter.frameArrivalNanos());
                    addDecoded(s, s.jitter.frameLength());
                }
                case LOST -> addRebuilt(s);
                case BUFFERING -> { }
                case EMPTY -> {
                    if (++s.idleTicks >= FORGET_TICKS) s.id = -1;
                }
            }
            if (mixer.sources() > before) lastSoleSource = s.id;
        }
        lastSources = mixer.sources();
        if (lastSources == 0) return 0;
        mixer.mixInto(mix);
        return encoder.encode(mix, SAMPLES, out);
    }

    /**
     * Readies a source that was passed through until now: its last passed frame warms its decoder
     * and sets its play point just after that frame, so the first mixed tick continues the sound the
     * receiver was hearing (a cold decoder's first frame fades in: a dip). The encoder is not primed:
     * measured, priming it repeats its look-ahead (~6.5 ms) and the repeat cancels against itself.
     */
    void prime(long source, byte[] lastFrame, int length, int sequence, long timestamp, long arrivalNanos) {
        Source s = find(source);
        if (s == null || length <= 0) return;
        if (!s.jitter.put(lastFrame, length, sequence, timestamp, arrivalNanos)
                || s.jitter.take(packet) != JitterBuffer.Take.FRAME) return;
        try {
            s.decoder.decode(packet, s.jitter.frameLength(), pcm);
        } catch (IllegalArgumentException garbage) {
            undecodable++;
        }
    }

    /**
     * Hands back, one per call, the frames still buffered for {@code source} (when the stage stops
     * and that source is passed through again, so none is lost): the frame's length in {@code out},
     * or -1 when none is left.
     */
    int takeBuffered(long source, byte[] out) {
        for (Source s : sources) {
            if (s.id != source) continue;
            return s.jitter.depth() > 0 && s.jitter.take(out) == JitterBuffer.Take.FRAME ? s.jitter.frameLength() : -1;
        }
        return -1;
    }

    /** Frees every source slot (their decoders and buffers are reset when next used). */
    void clear() {
        for (Source s : sources) s.id = -1;
    }

    /** Frames buffered over all sources now. */
    int bufferedFrames() {
        int n = 0;
        for (Source s : sources) if (s.id != -1) n += s.jitter.depth();
        return n;
    }

    private void addDecoded(Source s, int length) {
        try {
            if (s.decoder.decode(packet, length, pcm) == SAMPLES) {
                decoded++;
                mixer.add(pcm);
                return;
            }
        } catch (IllegalArgumentException garbage) {
            undecodable++;
        }
        addRebuilt(s); // not a 20 ms frame we can use: conceal in its place
    }

    private void addRebuilt(Source s) {
        if (s.jitter.fecAvailable()) {
            int length = s.jitter.peekFollower(packet);
            try {
                s.decoder.recover(packet, length, SAMPLES, pcm);
                fecRecovered++;
                mixer.add(pcm);
                return;
            } catch (IllegalArgumentException garbage) {
                undecodable++;
            }
        }
        s.decoder.conceal(SAMPLES, pcm);
        concealed++;
        if (s.jitter.depth() == 0) fadeOut(s.concealedInRow++);
        mixer.add(pcm);
    }

    /**
     * A source that stopped sending is concealed for {@link #MAX_CONCEALED} ticks and then no longer
     * mixed; so that its end is not a cut (a click), those ticks ramp its level down to zero.
     */
    private void fadeOut(int step) {
        double from = 1 - (double) step / MAX_CONCEALED;
        double by = 1.0 / MAX_CONCEALED / SAMPLES;
        for (int i = 0; i < SAMPLES; i++) pcm[i] = (short) (pcm[i] * Math.max(0, from - by * i));
    }

    private Source find(long id) {
        Source free = null;
        for (Source s : sources) {
            if (s.id == id) return s;
            if (s.id == -1 && free == null) free = s;
        }
        if (free != null) {
            free.id = id;
            free.idleTicks = 0;
            free.concealedInRow = 0;
            free.decoder.reset();
            free.jitter.reset();
        }
        return free;
    }

    long decoded() { return decoded; }
    long concealed() { return concealed; }
    long fecRecovered() { return fecRecovered; }
    long undecodable() { return undecodable; }
    long noSlot() { return noSlot; }
    /** Sources that contributed audio to the last tick. */
    int lastSources() { return lastSources; }
    /** The source that contributed to the last tick when exactly one did, else -1. */
    long lastSoleSource() { return lastSources == 1 ? lastSoleSource : -1; }
    /** The arrival of the oldest real frame in the last tick, or Long.MAX_VALUE if it had none. */
    long lastTickOldestArrival() { return oldestArrival; }
    PcmMixer mixer() { return mixer; }

    @Override
    public void close() {
        for (Source s : sources) s.decoder.close();
        encoder.close();
    }
}
