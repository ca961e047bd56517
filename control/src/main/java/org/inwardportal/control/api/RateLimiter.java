package org.inwardportal.control.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (an address, a secret's use): {@code perMinute} requests a minute with
 * bursts up to that many. The table keeps the most recently used keys only, so a flood of
 * addresses cannot grow it without bound. Thread-safe.
 */
final class RateLimiter {
    private static final int MAX_KEYS = 10_000;
    private final double perNano;
    private final double burst;
    private final LongSupplier clock;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_KEYS;
        }
    };

    RateLimiter(int perMinute, LongSupplier nanoClock) {
        this.perNano = perMinute / 60e9;
        this.burst = perMinute;
        this.clock = nanoClock;
    }

    /** Takes a token for {@code key}: 0 if allowed, else the seconds until one is free. */
    synchronized long acquire(String key) {
        long now = clock.getAsLong();
        double[] b = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
        b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
        b[1] = now;
        if (b[0] >= 1) {
            b[0] -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b[0]) / perNano / 1e9));
    }
}
