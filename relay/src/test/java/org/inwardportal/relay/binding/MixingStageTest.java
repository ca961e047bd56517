package org.inwardportal.relay.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;
import org.inwardportal.relay.testing.OpusCodec;
import org.junit.jupiter.api.Test;

/** Real libopus both ends: three speakers encoded apart, mixed by the stage, the result decoded. */
class MixingStageTest {
    private static final long TICK = 20_000_000L;
    private static final double[] TONES = {400, 900, 1500};

    /** Each tone holds at least a fifth of the strongest one's power, and far more than a frequency nobody sent. */
    private static void assertAllTonesHeard(short[] mix) {
        double strongest = Arrays.stream(TONES).map(hz -> OpusCodec.power(mix, hz)).max().orElseThrow();
        double absent = OpusCodec.power(mix, 2600);
        for (double hz : TONES) {
            assertThat(OpusCodec.power(mix, hz)).as("%.0f Hz", hz).isGreaterThan(strongest / 5).isGreaterThan(100 * absent);
        }
    }

    private record Sent(int source, int seq, byte[] opus, long arrival) {
    }

    /** Runs {@code ticks} ticks of three tones with the given loss and jitter; returns the decoded mix. */
    private static short[] run(MixingStage stage, int ticks, double loss, long jitterNanos, List<Integer> lengths) {
        Random random = new Random(42);
        List<Sent> inFlight = new ArrayList<>();
        OpusEncoder[] speakers = new OpusEncoder[TONES.length];
        for (int s = 0; s < speakers.length; s++) speakers[s] = new OpusEncoder(1, true, 32_000, 10);
        byte[] buf = new byte[1500];
        byte[] out = new byte[1500];
        short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
        List<short[]> decoded = new ArrayList<>();
        try (OpusDecoder listener = new OpusDecoder(1)) {
            for (int t = 0; t < ticks; t++) {
                long now = t * TICK;
                for (int s = 0; s < speakers.length; s++) {
                    int len = speakers[s].encode(OpusCodec.tone(TONES[s], (long) t * 960, 960, 0.3), 960, buf);
                    if (random.nextDouble() >= loss) {
                        inFlight.add(new Sent(s, t, Arrays.copyOf(buf, len), now + (long) (random.nextDouble() * jitterNanos)));
                    }
                }
                inFlight.sort((a, b) -> Long.compare(a.arrival, b.arrival));
                while (!inFlight.isEmpty() && inFlight.getFirst().arrival <= now) {
                    Sent f = inFlight.removeFirst();
                    stage.offer(1000 + f.source, f.opus, f.opus.length, f.seq, 960L * f.seq, f.arrival);
                }
                int len = stage.tick(out);
                lengths.add(len);
                if (len > 0) {
                    int n = listener.decode(out, len, pcm);
                    decoded.add(Arrays.copyOf(pcm, n));
                }
            }
        } finally {
            for (OpusEncoder e : speakers) e.close();
        }
        return OpusCodec.concat(decoded.subList(Math.max(0, decoded.size() - 50), decoded.size()));
    }

    @Test
    void three_speakers_are_all_heard_in_the_mix() {
        try (MixingStage stage = new MixingStage(8, new OpusEncoder(1, false, 96_000, 0))) {
            List<Integer> lengths = new ArrayList<>();
            short[] mix = run(stage, 100, 0, 0, lengths);
            assertAllTonesHeard(mix);
            assertThat(stage.lastSources()).isEqualTo(3);
            assertThat(stage.concealed()).isZero();
            assertThat(lengths.subList(1, lengths.size())).doesNotContain(0);
        }
    }

    @Test
    void with_loss_and_jitter_there_is_no_gap_and_concealment_and_fec_fill_in() {
        try (MixingStage stage = new MixingStage(8, new OpusEncoder(1, false, 96_000, 0))) {
            List<Integer> lengths = new ArrayList<>();
            short[] mix = run(stage, 300, 0.05, 40_000_000L, lengths);
            int first = 0;
            while (lengths.get(first) == 0) first++;
            assertThat(lengths.subList(first, lengths.size())).as("a tick without audio once the mix began").doesNotContain(0);
            assertThat(stage.concealed() + stage.fecRecovered()).isPositive();
            assertThat(stage.fecRecovered()).isPositive();
            assertAllTonesHeard(mix);
        }
    }

    @Test
    void sources_beyond_the_table_are_dropped_and_counted_and_garbage_is_concealed() {
        try (MixingStage stage = new MixingStage(2, new OpusEncoder(1, false, 64_000, 0));
                OpusEncoder speaker = new OpusEncoder(1, true, 32_000, 0)) {
            byte[] buf = new byte[1500];
            byte[] out = new byte[1500];
            int len = speaker.encode(OpusCodec.tone(400, 0, 960, 0.3), 960, buf);
            assertThat(stage.offer(1, buf, len, 0, 0, 0)).isTrue();
            assertThat(stage.offer(2, buf, len, 0, 0, 0)).isTrue();
            assertThat(stage.offer(3, buf, len, 0, 0, 0)).isFalse();
            assertThat(stage.noSlot()).isEqualTo(1);
            byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
            stage.offer(1, garbage, 3, 1, 960, TICK);
            assertThat(stage.tick(out)).isPositive();
            assertThat(stage.tick(out)).isPositive();
            assertThat(stage.undecodable()).isEqualTo(1);
            assertThat(stage.concealed()).isPositive();
        }
    }
}
