package org.inwardportal.discord.dave;

import java.lang.management.ManagementFactory;

/** Bytes a piece of work allocates on the calling thread, for "nothing per frame" checks. */
public final class Allocations {
    private Allocations() {}

    /**
     * Runs {@code round} {@code warmup} times, then measures windows of {@code rounds} runs and
     * returns the fewest bytes one window allocated (at most five windows; it stops at the first
     * under {@code enough}). A per-frame allocation shows in every window; a one-off one (a JIT
     * tier change, a late compile on a loaded machine) in one window at most.
     */
    public static long leastPerWindow(Runnable round, int warmup, int rounds, long enough) {
        for (int i = 0; i < warmup; i++) round.run();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int w = 0; w < 5 && least >= enough; w++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) round.run();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
