package org.inwardportal.bench.load;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The relay's own binding meters, summed over all bindings of a run, per direction: frames in and
 * out, drops by reason, concealed frames, and the added-latency histogram's bucket counts. Two
 * snapshots subtract to what happened between them (the warm-up is left out that way).
 */
public record RelayMeters(Map<String, Double> counters, Map<String, TreeMap<Double, Long>> latencyBuckets) {
    public static final String LATENCY = "relay.binding.added.latency";

    /**
     * Makes the added-latency timers keep a whole-run histogram with buckets from 1 µs (Micrometer's
     * percentile histogram: about 4 per doubling) instead of the rolling 2-minute window its
     * percentiles cover. Must be configured before the bindings register their meters.
     */
    public static void configure(MeterRegistry registry) {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(LATENCY)) return config;
                return DistributionStatisticConfig.builder().percentilesHistogram(true)
                        .minimumExpectedValue(1e3).maximumExpectedValue(2e9) // ns
                        .expiry(Duration.ofDays(1)).bufferLength(1).build().merge(config);
            }
        });
    }

    public static RelayMeters of(MeterRegistry registry) {
        Map<String, Double> counters = new TreeMap<>();
        for (Counter c : registry.find("relay.binding.frames").counters()) {
            add(counters, c.getId().getTag("direction") + ".frames_" + c.getId().getTag("way"), c.count());
        }
        for (Counter c : registry.find("relay.binding.dropped").counters()) {
            add(counters, c.getId().getTag("direction") + ".dropped." + c.getId().getTag("reason"), c.count());
        }
        for (FunctionCounter c : registry.find("relay.binding.concealed").functionCounters()) {
            add(counters, c.getId().getTag("direction") + ".concealed", c.count());
        }
        Map<String, TreeMap<Double, Long>> buckets = new TreeMap<>();
        for (Timer t : registry.find(LATENCY).timers()) {
            TreeMap<Double, Long> b = buckets.computeIfAbsent(t.getId().getTag("direction"), k -> new TreeMap<>());
            for (CountAtBucket c : t.takeSnapshot().histogramCounts()) b.merge(c.bucket(), (long) c.count(), Long::sum);
        }
        return new RelayMeters(counters, buckets);
    }

    private static void add(Map<String, Double> m, String key, double v) {
        m.merge(key, v, Double::sum);
    }

    public double counter(String key) {
        return counters.getOrDefault(key, 0.0);
    }

    /** What happened since {@code before}. */
    public RelayMeters since(RelayMeters before) {
        Map<String, Double> c = new TreeMap<>();
        counters.forEach((k, v) -> c.put(k, v - before.counter(k)));
        Map<String, TreeMap<Double, Long>> b = new TreeMap<>();
        latencyBuckets.forEach((dir, now) -> {
            TreeMap<Double, Long> was = before.latencyBuckets.getOrDefault(dir, new TreeMap<>());
            TreeMap<Double, Long> d = new TreeMap<>();
            now.forEach((bound, n) -> d.put(bound, n - was.getOrDefault(bound, 0L)));
            b.put(dir, d);
        });
        return new RelayMeters(c, b);
    }

    /** The relay's added latency in {@code direction} as a histogram (cumulative bucket counts, bounds in ns). */
    public BucketDistribution latency(String direction) {
        return new BucketDistribution(latencyBuckets.getOrDefault(direction, new TreeMap<>()));
    }
}
