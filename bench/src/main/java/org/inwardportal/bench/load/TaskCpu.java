package org.inwardportal.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every thread of this process by kind, from /proc/self/task: unlike the JVM's thread
 * bean this sees native threads too (libwebrtc's), under the name the kernel keeps (15 characters;
 * HotSpot gives Java threads theirs). Names are folded as {@link ProcessProbe#kind} does.
 */
final class TaskCpu {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ: 100 on Linux x86-64

    private TaskCpu() {
    }

    /** CPU nanoseconds per thread kind, of the threads alive now. */
    static Map<String, Long> byKind() {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // "tid (comm) state …": comm may hold spaces and parentheses, so split after the last ')'
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(stat.indexOf('(') + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                    out.merge(ProcessProbe.kind(comm), ticks * (1_000_000_000L / TICKS_PER_SECOND), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            // not Linux: no per-thread figures
        }
        return out;
    }

    /** {@code after − before} per kind, kinds that used no CPU left out (threads that ended in between are missing). */
    static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long x = v - before.getOrDefault(k, 0L);
            if (x > 0) d.put(k, x);
        });
        return d;
    }
}
