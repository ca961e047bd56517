package org.inwardportal.relay.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;
import org.inwardportal.relay.testing.OpusCodec;
import org.junit.jupiter.api.Test;

/**
 * Passthrough ↔ mixing on one outgoing stream, with real libopus at both ends and a simulated
 * clock: what the receiver hears must have no gap, no jump of the timestamp and no click.
 */
class OutgoingStreamTest {
    private static final long MS = 1_000_000L;
    private static final long HOLD = 200 * MS;

    private record Out(byte[] opus, long ts) {
    }

    private static OutgoingStream stream(List<Out> sink) {
        return new OutgoingStream(4, new OpusEncoder(1, true, 64_000, 0), HOLD,
                (opus, len, ts, arrival) -> sink.add(new Out(Arrays.copyOf(opus, len), ts)));
    }

    /**
     * A speaks a 440 Hz tone throughout; B a 660 Hz tone over frames [from, to). Frames arrive every
     * 20 ms (B 7 ms after A); while mixing the stream ticks every 20 ms, 10 ms after A's arrivals,
     * from the first arrival of A after the switch on (as the binding phases its ticks).
     */
    private static void run(OutgoingStream stream, int frames, int from, int to) {
        try (OpusEncoder a = new OpusEncoder(1, true, 64_000, 0); OpusEncoder b = new OpusEncoder(1, true, 64_000, 0)) {
            byte[] buf = new byte[1500];
            for (int k = 0; k < frames; k++) {
                long t = k * 20 * MS;
                boolean mixingBefore = stream.mixing();
                int n = a.encode(OpusCodec.tone(440, 960L * k, 960, 0.25), 960, buf);
                stream.frame(1, buf, n, k, 960L * k + 12345, t, t);
                if (k >= from && k < to) {
                    n = b.encode(OpusCodec.tone(660, 960L * k, 960, 0.25), 960, buf);
                    stream.frame(2, buf, n, 500 + k, 960L * k + 999, t + 7 * MS, t + 7 * MS);
                }
                if (mixingBefore && stream.mixing()) stream.tick(t + 10 * MS);
            }
        }
    }

    private static short[] decode(List<Out> out) {
        List<short[]> pcm = new ArrayList<>();
        short[] frame = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
        try (OpusDecoder receiver = new OpusDecoder(1)) {
            for (Out o : out) pcm.add(Arrays.copyOf(frame, receiver.decode(o.opus, o.opus.length, frame)));
        }
        return OpusCodec.concat(pcm);
    }

    /** RMS of the second difference over one 20 ms frame: ~0 for low tones, broadband for a click. */
    private static double roughness(short[] pcm, int frame) {
        double sum = 0;
        int from = Math.max(2, frame * 960);
        for (int i = from; i < frame * 960 + 960; i++) {
            double d = pcm[i] - 2.0 * pcm[i - 1] + pcm[i - 2];
            sum += d * d;
        }
        return Math.sqrt(sum / 960);
    }

    private static double rms(short[] pcm, int frame) {
        double sum = 0;
        for (int i = frame * 960; i < frame * 960 + 960; i++) sum += (double) pcm[i] * pcm[i];
        return Math.sqrt(sum / 960);
    }

    @Test
    void aSecondSpeakerStartsMixingAndItsEndReturnsToPassthroughWithoutGapJumpOrClick() {
        List<Out> out = new ArrayList<>();
        try (OutgoingStream stream = stream(out)) {
            run(stream, 150, 50, 90);
            assertThat(stream.switchesToMixing()).isEqualTo(1);
            assertThat(stream.switchesToPassthrough()).isEqualTo(1);
            assertThat(stream.stage().decoded()).isGreaterThan(70);
        }
        // Timestamps: one frame apart, every time; nothing missing, nothing doubled.
        for (int i = 1; i < out.size(); i++) {
            assertThat((out.get(i).ts - out.get(i - 1).ts) & 0xFFFFFFFFL).as("timestamp step before frame %d", i).isEqualTo(960);
        }
        assertThat(out.size()).isBetween(148, 151);

        short[] heard = decode(out);
        int frames = heard.length / 960;
        double steady = 0;
        double level = Double.MAX_VALUE;
        for (int f = 10; f < 45; f++) {
            steady = Math.max(steady, roughness(heard, f));
            level = Math.min(level, rms(heard, f));
        }
        double mixedSteady = 0;
        double mixedLevel = Double.MAX_VALUE;
        for (int f = 60; f < 85; f++) {
            mixedSteady = Math.max(mixedSteady, roughness(heard, f));
            mixedLevel = Math.min(mixedLevel, rms(heard, f));
        }
        for (int f = 5; f < frames; f++) {
            // no gap, no dip: A's tone keeps its level in every frame after the start, and both tones
            // theirs from the first mixed frame on (a cold decoder for A would fade in: a dip)
            assertThat(rms(heard, f)).as("level of frame %d", f).isGreaterThan(0.9 * level);
            if (f > 50 && f < 90) assertThat(rms(heard, f)).as("level of mixed frame %d", f).isGreaterThan(0.85 * mixedLevel);
            // no click: no frame rougher than the roughest steady frame of its kind, give or take a fifth
            assertThat(roughness(heard, f)).as("roughness of frame %d", f).isLessThan(1.2 * Math.max(steady, mixedSteady));
        }
    }

    @Test
    void passthroughIsByteForByteAndSpeakersTakingTurnsNeverMix() {
        List<Out> out = new ArrayList<>();
        byte[][] sent = new byte[40][];
        try (OutgoingStream stream = stream(out)) {
            for (int k = 0; k < 40; k++) {
                long t = k * 20 * MS;
                // A for 20 frames; 300 ms of silence; then B, with its own unrelated clock
                long source = k < 20 ? 1 : 2;
                if (k == 20) continue;
                long now = k < 20 ? t : t + 300 * MS;
                sent[k] = new byte[] {(byte) 0xFC, (byte) k, (byte) source};
                stream.frame(source, sent[k], 3, k, source * 7_000_000 + 960L * k, now, now);
            }
            assertThat(stream.switchesToMixing()).isZero();
        }
        List<byte[]> expected = Arrays.stream(sent).filter(b -> b != null).toList();
        assertThat(out).hasSize(expected.size());
        for (int i = 0; i < out.size(); i++) assertThat(out.get(i).opus).isEqualTo(expected.get(i));
        // within a speaker the source's steps; across the change the wall time (40 ms + 300 ms = 17 frames)
        assertThat(out.get(19).ts - out.get(18).ts).isEqualTo(960);
        assertThat(out.get(20).ts - out.get(19).ts).isEqualTo(17 * 960);
        assertThat(out.get(21).ts - out.get(20).ts).isEqualTo(960);
    }

    @Test
    void aSpeakerWhoHasFallenSilentHandsOverWithoutMixing() {
        List<Out> out = new ArrayList<>();
        try (OutgoingStream stream = stream(out)) {
            stream.frame(1, new byte[] {1}, 1, 0, 0, 0, 0);
            stream.frame(2, new byte[] {2}, 1, 0, 0, HOLD - 1, HOLD - 1); // A still holds: mix
            assertThat(stream.mixing()).isTrue();
        }
        try (OutgoingStream stream = stream(out)) {
            stream.frame(1, new byte[] {1}, 1, 0, 0, 0, 0);
            stream.frame(2, new byte[] {2}, 1, 0, 0, HOLD, HOLD); // A's hold has run out: hand over
            assertThat(stream.mixing()).isFalse();
        }
    }
}
