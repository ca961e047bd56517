package org.inwardportal.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A distribution known by cumulative counts at bucket upper bounds (nanoseconds), as Micrometer's
 * percentile histogram gives them; quantiles interpolate linearly inside a bucket.
 */
public record BucketDistribution(TreeMap<Double, Long> cumulative) {
    public long count() {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    public double percentileMs(double q) {
        long total = count();
        if (total == 0) return 0;
        double rank = Math.max(1, Math.ceil(q * total));
        double lowerBound = 0;
        long lowerCount = 0;
        for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                double inBucket = e.getValue() - lowerCount;
                double f = inBucket == 0 ? 1 : (rank - lowerCount) / inBucket;
                return (lowerBound + f * (e.getKey() - lowerBound)) / 1e6;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound / 1e6;
    }

    /** (bucket bound in ms, fraction at or below it), from the first non-empty bucket to the first full one. */
    public List<double[]> cdf() {
        long total = count();
        List<double[]> points = new ArrayList<>();
        if (total == 0) return points;
        for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
            if (e.getValue() == 0) continue;
            points.add(new double[] {e.getKey() / 1e6, (double) e.getValue() / total});
            if (e.getValue() == total) break;
        }
        return points;
    }
}
