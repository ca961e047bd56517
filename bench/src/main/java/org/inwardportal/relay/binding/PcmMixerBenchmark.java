package org.inwardportal.relay.binding;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PCM part of one mixing tick: N decoded 20 ms frames summed and limited back into 16 bits
 * (loud enough that the limiter works). The Opus decodes and the encode around it are not in here;
 * they are the libopus work the mixing benchmark compares against. Time per tick and, with
 * {@code -prof gc}, bytes allocated per tick (target: 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PcmMixerBenchmark {
    @Param({"2", "4", "8"})
    public int sources;

    private final PcmMixer mixer = new PcmMixer(960);
    private final short[] out = new short[960];
    private short[][] frames;

    @Setup
    public void setUp() {
        Random random = new Random(5);
        frames = new short[sources][960];
        for (short[] f : frames) for (int i = 0; i < f.length; i++) f[i] = (short) (random.nextGaussian() * 12_000);
    }

    @Benchmark
    public short[] tick() {
        mixer.clear();
        for (short[] f : frames) mixer.add(f);
        mixer.mixInto(out);
        return out;
    }
}
