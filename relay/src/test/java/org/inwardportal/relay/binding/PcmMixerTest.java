package org.inwardportal.relay.binding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PcmMixerTest {
    private static final int N = 960;

    private static short[] tone(double hz, int amplitude, int tick) {
        short[] pcm = new short[N];
        for (int i = 0; i < N; i++) pcm[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * (tick * N + i) / 48_000));
        return pcm;
    }

    @Test
    void one_source_and_quiet_sums_pass_through_exactly() {
        PcmMixer mixer = new PcmMixer(N);
        short[] out = new short[N];
        short[] a = tone(440, 12_000, 0);
        short[] b = tone(660, 9_000, 0);
        mixer.clear();
        mixer.add(a);
        mixer.mixInto(out);
        assertThat(out).containsExactly(a);
        mixer.clear();
        mixer.add(a);
        mixer.add(b);
        assertThat(mixer.sources()).isEqualTo(2);
        mixer.mixInto(out);
        for (int i = 0; i < N; i++) assertThat(out[i]).isEqualTo((short) (a[i] + b[i]));
        assertThat(mixer.gain()).isEqualTo(1f);
        assertThat(mixer.limitedTicks()).isZero();
    }

    @Test
    void loud_sources_are_limited_never_wrapped() {
        PcmMixer mixer = new PcmMixer(N);
        short[] out = new short[N];
        for (int tick = 0; tick < 50; tick++) {
            short[] a = tone(440, 30_000, tick);
            short[] b = tone(550, 30_000, tick);
            short[] c = tone(660, 30_000, tick);
            mixer.clear();
            mixer.add(a);
            mixer.add(b);
            mixer.add(c);
            mixer.mixInto(out);
            for (int i = 0; i < N; i++) {
                int s = a[i] + b[i] + c[i];
                // a wrapped sample flips sign: the limited one keeps the sum's sign and shrinks it
                if (s != 0 && out[i] != 0) assertThat(Integer.signum(out[i])).as("tick %d sample %d", tick, i).isEqualTo(Integer.signum(s));
                assertThat(Math.abs(out[i])).isLessThanOrEqualTo(Math.abs(s));
            }
        }
        assertThat(mixer.limitedTicks()).isPositive();
        assertThat(mixer.gain()).isLessThan(0.5f);
        // only the attack of the first loud ticks may touch full scale
        assertThat(mixer.saturatedSamples()).isLessThan(200);
    }

    @Test
    void gain_recovers_after_a_loud_moment_and_the_mix_is_exact_again() {
        PcmMixer mixer = new PcmMixer(N);
        short[] out = new short[N];
        mixer.clear();
        mixer.add(tone(440, 32_000, 0));
        mixer.add(tone(440, 32_000, 0));
        mixer.mixInto(out);
        float limited = mixer.gain();
        assertThat(limited).isLessThan(0.55f);
        short[] quiet = tone(440, 1_000, 1);
        int ticks = 0;
        while (mixer.gain() < 1f && ticks < 100) {
            mixer.clear();
            mixer.add(quiet);
            mixer.mixInto(out);
            ticks++;
        }
        // about 6 dB back at 0.6 dB per tick: ten ticks, not one (no pumping) and not forever
        assertThat(ticks).isBetween(8, 14);
        mixer.clear();
        mixer.add(quiet);
        mixer.mixInto(out);
        assertThat(out).containsExactly(quiet);
    }
}
