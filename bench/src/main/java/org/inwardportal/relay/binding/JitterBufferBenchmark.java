package org.inwardportal.relay.binding;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One source's jitter buffer for one frame: a put (jitter estimate, ordering, trimming) and a tick's
 * take, over a pre-made stream with 5 % loss and up to 40 ms of jitter, frames reordered by it.
 * Lives in the buffer's package because the buffer is internal. Time per frame and, with
 * {@code -prof gc}, bytes allocated per frame (target: 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JitterBufferBenchmark {
    private static final int FRAMES = 1 << 14;
    private static final long TICK = 20_000_000L;

    private final JitterBuffer buffer = new JitterBuffer(32, 8, 3, 960, 48_000);
    private final byte[] frame = new byte[120];
    private final byte[] out = new byte[OpusRing.MAX_FRAME];
    private final int[] order = new int[FRAMES];
    private final long[] arrival = new long[FRAMES];
    private final boolean[] lost = new boolean[FRAMES];
    private int next;
    private long lap;

    @Setup
    public void setUp() {
        Random random = new Random(3);
        random.nextBytes(frame);
        for (int n = 0; n < FRAMES; n++) {
            order[n] = n;
            arrival[n] = n * TICK + (long) (random.nextDouble() * 40_000_000L);
            lost[n] = random.nextDouble() < 0.05;
        }
        // deliver in arrival order: a frame overtaken by a later one arrives after it
        for (int n = 1; n < FRAMES; n++) {
            for (int k = n; k > 0 && arrival[order[k]] < arrival[order[k - 1]]; k--) {
                int t = order[k];
                order[k] = order[k - 1];
                order[k - 1] = t;
            }
        }
    }

    @Benchmark
    public JitterBuffer.Take frame() {
        int n = order[next];
        if (++next == FRAMES) {
            next = 0;
            lap += FRAMES; // keep numbering and time moving forward across laps
        }
        long seq = lap + n;
        if (!lost[n]) buffer.put(frame, frame.length, (int) seq, 960L * seq, lap * TICK + arrival[n]);
        return buffer.take(out);
    }
}
