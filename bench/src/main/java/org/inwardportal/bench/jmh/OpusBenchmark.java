package org.inwardportal.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The relay's libopus calls (FFM downcalls) on 20 ms mono voice frames: one decode, one
 * concealment, one encode. These are the libopus work a mixing tick cannot avoid (N decodes + 1
 * encode); with {@code -prof gc}, the bytes the Java side allocates per call (target: 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OpusBenchmark {
    private static final int FRAME = 960;
    private static final int FRAMES = 50;

    private OpusEncoder encoder;
    private OpusDecoder decoder;
    private final short[][] pcm = new short[FRAMES][FRAME];
    private final byte[][] packets = new byte[FRAMES][];
    private final byte[] packet = new byte[1500];
    private final short[] out = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
    private int next;

    @Setup
    public void setUp() {
        encoder = new OpusEncoder(1, true, 32_000, 10);
        decoder = new OpusDecoder(1);
        for (int f = 0; f < FRAMES; f++) {
            for (int i = 0; i < FRAME; i++) {
                double t = (f * FRAME + i) / 48_000.0; // a voice-like mix of a few partials
                pcm[f][i] = (short) (6000 * Math.sin(2 * Math.PI * 220 * t) + 3000 * Math.sin(2 * Math.PI * 440 * t)
                        + 1500 * Math.sin(2 * Math.PI * 1230 * t));
            }
            packets[f] = java.util.Arrays.copyOf(packet, encoder.encode(pcm[f], FRAME, packet));
        }
    }

    @TearDown
    public void tearDown() {
        encoder.close();
        decoder.close();
    }

    private int nextFrame() {
        int f = next;
        next = (next + 1) % FRAMES;
        return f;
    }

    @Benchmark
    public int decode() {
        byte[] p = packets[nextFrame()];
        return decoder.decode(p, p.length, out);
    }

    @Benchmark
    public int conceal() {
        return decoder.conceal(FRAME, out);
    }

    @Benchmark
    public int encode() {
        return encoder.encode(pcm[nextFrame()], FRAME, packet);
    }
}
