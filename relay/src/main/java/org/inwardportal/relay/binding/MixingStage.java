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

    private static final class Source {
        long id = -1;
        int idleTicks;
        final JitterBuffer jitter = new JitterBuffer(32, 8, 3, SAMPLES, 48_000);
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
        for (Source s : sources) {
            if (s.id == -1) continue;
            switch (s.jitter.take(packet)) {
                case FRAME -> addDecoded(s, s.jitter.frameLength());
                case LOST -> addRebuilt(s);
                case BUFFERING -> { }
                case EMPTY -> {
                    if (++s.idleTicks >= FORGET_TICKS) s.id = -1;
                }
            }
        }
        lastSources = mixer.sources();
        if (lastSources == 0) return 0;
        mixer.mixInto(mix);
        return encoder.encode(mix, SAMPLES, out);
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
        mixer.add(pcm);
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
    PcmMixer mixer() { return mixer; }

    @Override
    public void close() {
        for (Source s : sources) s.decoder.close();
        encoder.close();
    }
}
