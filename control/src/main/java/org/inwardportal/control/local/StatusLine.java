package org.inwardportal.control.local;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One compact line about a binding's audio since the last line, from the relay's own meters:
 * frames in and out each way, added latency p50/p99 (the meters' decaying window) and drops.
 */
final class StatusLine {
    private final MeterRegistry registry;
    private final Map<String, Double> last = new HashMap<>();

    StatusLine(MeterRegistry registry) {
        this.registry = registry;
    }

    /** e.g. {@code world→Discord 250/250 p50 0.31 p99 1.12 ms · Discord→world 150/150 p50 0.20 p99 0.80 ms · drops 0}. */
    String of(String binding) {
        return way(binding, "to_discord", "world→Discord") + " · " + way(binding, "to_shard", "Discord→world")
                + " · drops " + (long) delta(binding + "/drops", sum(binding));
    }

    private String way(String binding, String direction, String label) {
        long in = (long) delta(binding + direction + "in", frames(binding, direction, "in"));
        long out = (long) delta(binding + direction + "out", frames(binding, direction, "out"));
        Timer t = registry.find("relay.binding.added.latency").tag("binding", binding).tag("direction", direction).timer();
        String latency = "";
        if (t != null && t.count() > 0) {
            double p50 = Double.NaN, p99 = Double.NaN;
            for (ValueAtPercentile p : t.takeSnapshot().percentileValues()) {
                if (p.percentile() == 0.5) p50 = p.value(TimeUnit.MILLISECONDS);
                if (p.percentile() == 0.99) p99 = p.value(TimeUnit.MILLISECONDS);
            }
            latency = String.format(Locale.ROOT, " p50 %.2f p99 %.2f ms", p50, p99);
        }
        return label + " " + in + "/" + out + latency;
    }

    private double frames(String binding, String direction, String way) {
        Counter c = registry.find("relay.binding.frames").tag("binding", binding).tag("direction", direction).tag("way", way).counter();
        return c == null ? 0 : c.count();
    }

    private double sum(String binding) {
        return registry.find("relay.binding.dropped").tag("binding", binding).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double delta(String key, double now) {
        Double before = last.put(key, now);
        return before == null || before > now ? now : now - before;
    }
}
