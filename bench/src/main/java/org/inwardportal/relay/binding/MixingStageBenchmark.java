package org.inwardportal.relay.binding;

import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One mixing tick for N speakers — N frames offered to their jitter buffers, then the tick: N
 * decodes, mix and limit, one encode — against, in the same run, the libopus work it cannot avoid:
 * N decodes and one encode of the same packets and mix. Target: tick / rawLibopus ≤ 1.15; with
 * {@code -prof gc}, 0 bytes per tick.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MixingStageBenchmark {
    private static final int FRAMES = 50;
    private static final long TICK = 20_000_000L;

    @Param({"2", "4", "8"})
    public int speakers;

    private MixingStage stage;
    private byte[][][] packets;
    private int[][] lengths;
    private OpusDecoder[] rawDecoders;
    private OpusEncoder rawEncoder;
    private final byte[] out = new byte[1500];
    private final short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
    private short[][] mixes; // what the mix of each frame sounds like, for the raw encode
    private int frame;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() {
        packets = new byte[speakers][FRAMES][];
        mixes = new short[FRAMES][960];
        lengths = new int[speakers][FRAMES];
        byte[] buf = new byte[1500];
        for (int s = 0; s < speakers; s++) {
            try (OpusEncoder e = new OpusEncoder(1, true, 32_000, 10)) {
                for (int f = 0; f < FRAMES; f++) {
                    short[] tone = new short[960];
                    for (int i = 0; i < 960; i++) {
                        tone[i] = (short) (8000 * Math.sin(2 * Math.PI * (200 + 150 * s) * (f * 960 + i) / 48_000.0));
                        mixes[f][i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, mixes[f][i] + tone[i]));
                    }
                    lengths[s][f] = e.encode(tone, 960, buf);
                    packets[s][f] = java.util.Arrays.copyOf(buf, lengths[s][f]);
                }
            }
        }
        stage = new MixingStage(speakers, new OpusEncoder(1, false, 96_000, 0));
        rawDecoders = new OpusDecoder[speakers];
        for (int s = 0; s < speakers; s++) rawDecoders[s] = new OpusDecoder(1);
        rawEncoder = new OpusEncoder(1, false, 96_000, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stage.close();
        for (OpusDecoder d : rawDecoders) d.close();
        rawEncoder.close();
    }

    @Benchmark
    public int tick() {
        int f = frame;
        frame = (frame + 1) % FRAMES;
        long n = seq++;
        for (int s = 0; s < speakers; s++) stage.offer(s, packets[s][f], lengths[s][f], (int) n, 960L * n, n * TICK);
        return stage.tick(out);
    }

    @Benchmark
    public int rawLibopus() {
        int f = frame;
        frame = (frame + 1) % FRAMES;
        for (int s = 0; s < speakers; s++) rawDecoders[s].decode(packets[s][f], lengths[s][f], pcm);
        return rawEncoder.encode(mixes[f], 960, out);
    }
}
