package org.inwardportal.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordingStream;

/**
 * What the process spends, sampled at the start and end of a run's measured window: CPU time
 * (OperatingSystemMXBean), resident memory (/proc/self/status VmRSS), bytes allocated by all
 * threads (com.sun.management.ThreadMXBean), live threads, CPU per thread kind (names with their
 * digits folded), and GC pauses from JFR ({@code jdk.GCPhasePause}, nanosecond durations: ZGC's
 * pauses are well under the millisecond the GC MXBeans count in).
 */
final class ProcessProbe implements AutoCloseable {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final RecordingStream jfr = new RecordingStream();
    final LatencyHistogram gcPauses = new LatencyHistogram();
    private volatile boolean measuring;

    /** One sample; {@code cpuByThreadKind} in ns. */
    record Sample(long nanos, long cpuNanos, long rssKb, long allocatedBytes, int liveThreads, long gcPausesCounted,
                  Map<String, Long> cpuByThreadKind, Map<String, Integer> threadsByKind, Map<String, Long> allocatedByThreadKind) {
    }

    ProcessProbe() {
        jfr.enable("jdk.GCPhasePause");
        jfr.onEvent("jdk.GCPhasePause", e -> {
            if (measuring) gcPauses.recordNanos(e.getDuration().toNanos());
        });
        jfr.startAsync();
    }

    void measuring(boolean on) {
        measuring = on;
    }

    Sample sample() {
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, Integer> countByKind = new TreeMap<>();
        Map<String, Long> allocByKind = new TreeMap<>();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long[] cpu = threads.getThreadCpuTime(ids);
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || cpu[i] < 0) continue;
            byKind.merge(kind(infos[i].getThreadName()), cpu[i], Long::sum);
            countByKind.merge(kind(infos[i].getThreadName()), 1, Integer::sum);
            if (allocated[i] >= 0) allocByKind.merge(kind(infos[i].getThreadName()), allocated[i], Long::sum);
        }
        return new Sample(System.nanoTime(), os.getProcessCpuTime(), rssKb(), threads.getTotalThreadAllocatedBytes(),
                threads.getThreadCount(), pausesCounted(), byKind, countByKind, allocByKind);
    }

    // the GC MXBeans' own count, to check JFR's: ZGC's "… Pauses" beans count pauses; other collectors' beans count collections
    private static long pausesCounted() {
        long n = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().startsWith("ZGC") || gc.getName().endsWith("Pauses")) n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** The heap in use after a full collection: the live set, which resident memory (heap grown but not yet collected) overstates. */
    static long liveHeapBytesAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A thread's name with digit runs folded to '#': "JDA-Audio-SendThread 3" and "… 7" are one kind. */
    static String kind(String name) {
        return name.replaceAll("[0-9]+", "#");
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: unknown
        }
        return -1;
    }

    @Override
    public void close() {
        jfr.close();
    }
}
