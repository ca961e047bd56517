package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The harness's PNGs: per direction the latency distribution of every run (relay's added latency
 * dashed, end to end solid) on a percentile scale that shows the tail; and, when several counts of
 * bindings ran, CPU and memory against the count.
 */
final class LoadPlots {
    private LoadPlots() {
    }

    /** Writes {@code latency-cdf-<direction>.png} (and {@code cost-vs-bindings.png} for several runs); returns the files. */
    static List<Path> write(Path dir, String prefix, List<JsonNode> runs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String d : List.of(LoadRun.TO_DISCORD, LoadRun.TO_SHARD)) {
            Path f = dir.resolve(prefix + "latency-cdf-" + d + ".png");
            latency(d, runs).write(f);
            files.add(f);
        }
        if (runs.size() > 1) {
            Path cpu = dir.resolve(prefix + "cpu-vs-bindings.png");
            cpu(runs).write(cpu);
            files.add(cpu);
            Path mem = dir.resolve(prefix + "memory-vs-bindings.png");
            memory(runs).write(mem);
            files.add(mem);
        }
        return files;
    }

    // y: how many nines, -log10(1 - F): 0 → 0 %, 1 → 90 %, 2 → 99 %, 3 → 99.9 %
    private static double nines(double f) {
        return Math.min(4, -Math.log10(Math.max(1e-4, 1 - f)));
    }

    static Chart latency(String direction, List<JsonNode> runs) {
        double lo = 0.01, hi = 100;
        for (JsonNode r : runs) {
            for (String kind : List.of("relay", "endToEnd")) {
                for (JsonNode p : r.path("directions").path(direction).path("cdf").path(kind)) hi = Math.max(hi, p.get(0).asDouble());
            }
        }
        hi = Math.pow(10, Math.ceil(Math.log10(hi)));
        Chart.Axis y = new Chart.Axis("percentile", 0, 4, v -> v, new double[] {0, 1, 2, 3, 4},
                v -> v == 0 ? "0 %" : v == 1 ? "90 %" : v == 2 ? "99 %" : v == 3 ? "99.9 %" : "99.99 %");
        String title = (direction.equals(LoadRun.TO_DISCORD) ? "shard → Discord" : "Discord → shard") + ": latency distribution";
        Chart c = new Chart(title, Chart.Axis.log("latency, ms (log)", lo, hi), y);
        int i = 0;
        for (JsonNode r : runs) {
            var color = Chart.PALETTE[i++ % Chart.PALETTE.length];
            String n = r.path("run").path("bindings").asText() + " bindings";
            c.add(new Chart.Series(n + ", end to end", curve(r, direction, "endToEnd"), color, false, false));
            c.add(new Chart.Series(n + ", relay's added latency", curve(r, direction, "relay"), color, true, false));
        }
        JsonNode first = runs.getFirst().path("run");
        c.note("loopback; " + first.path("members").asText() + " talking members per binding; " + first.path("seconds").asText()
                + " s measured per run");
        c.note("end to end: the sender's send call to the receiver's arrival (stand-in or light shard)");
        return c;
    }

    private static List<double[]> curve(JsonNode run, String direction, String kind) {
        List<double[]> pts = new ArrayList<>();
        double prev = 0;
        for (JsonNode p : run.path("directions").path(direction).path("cdf").path(kind)) {
            double ms = p.get(0).asDouble(), y = nines(p.get(1).asDouble());
            if (pts.isEmpty()) pts.add(new double[] {ms, 0});
            else pts.add(new double[] {ms, prev}); // a step: the distribution is known at bucket edges only
            pts.add(new double[] {ms, y});
            prev = y;
        }
        return pts;
    }

    static Chart cpu(List<JsonNode> runs) {
        double maxN = runs.stream().mapToDouble(r -> r.path("run").path("bindings").asDouble()).max().orElse(1);
        List<double[]> whole = new ArrayList<>(), relay = new ArrayList<>(), base = new ArrayList<>(), webrtc = new ArrayList<>();
        double top = 0;
        for (JsonNode r : runs) {
            double n = r.path("run").path("bindings").asDouble();
            double w = r.path("process").path("cpuPerBindingPercentOfCore").asDouble();
            double rl = r.path("process").path("relayThreadsCpuPerBindingPercentOfCore").asDouble();
            whole.add(new double[] {n, w});
            relay.add(new double[] {n, rl});
            top = Math.max(top, Math.max(w, rl));
            if (r.path("transcodingBaseline").has("perBindingPercentOfCore")) {
                double b = r.path("transcodingBaseline").path("perBindingPercentOfCore").asDouble();
                webrtc.add(new double[] {n, b});
                top = Math.max(top, b);
            }
            if (r.path("codecOnlyBaseline").has("perBindingPercentOfCore")) {
                double b = r.path("codecOnlyBaseline").path("perBindingPercentOfCore").asDouble();
                base.add(new double[] {n, b});
                top = Math.max(top, b);
            }
        }
        top = niceCeiling(top * 1.1);
        Chart c = new Chart("CPU per binding against the number of bindings",
                Chart.Axis.linear("bindings", 0, niceCeiling(maxN), ticks(niceCeiling(maxN))),
                Chart.Axis.linear("% of one core per binding", 0, top, ticks(top)));
        c.add(new Chart.Series("whole process (relay + stand-in + shard clients)", whole, Chart.PALETTE[0], false, true));
        c.add(new Chart.Series("relay's threads only", relay, Chart.PALETTE[2], false, true));
        if (!webrtc.isEmpty()) {
            c.add(new Chart.Series("transcoding baseline: a relay on libwebrtc (its threads + Discord-side libopus)", webrtc, Chart.PALETTE[3], true, true));
        }
        if (!base.isEmpty()) {
            c.add(new Chart.Series("codec-only stand-in: libopus decode + encode per leg", base, Chart.PALETTE[1], true, true));
        }
        c.note("process CPU time / bindings / measured seconds (OperatingSystemMXBean); relay threads by name (ThreadMXBean)");
        return c;
    }

    static Chart memory(List<JsonNode> runs) {
        double maxN = runs.stream().mapToDouble(r -> r.path("run").path("bindings").asDouble()).max().orElse(1);
        List<double[]> rss = new ArrayList<>(), idle = new ArrayList<>(), live = new ArrayList<>();
        double top = 0;
        for (JsonNode r : runs) {
            double n = r.path("run").path("bindings").asDouble();
            rss.add(new double[] {n, r.path("process").path("rssMb").asDouble()});
            idle.add(new double[] {n, r.path("process").path("rssIdleMb").asDouble()});
            live.add(new double[] {n, r.path("process").path("liveHeapAfterGcMb").asDouble()});
            top = Math.max(top, r.path("process").path("rssMb").asDouble());
        }
        top = niceCeiling(top * 1.1);
        Chart c = new Chart("Resident memory against the number of bindings",
                Chart.Axis.linear("bindings", 0, niceCeiling(maxN), ticks(niceCeiling(maxN))),
                Chart.Axis.linear("MB", 0, top, ticks(top)));
        c.add(new Chart.Series("resident (VmRSS) while streaming, end of the measured window", rss, Chart.PALETTE[0], false, true));
        c.add(new Chart.Series("bots logged in, nothing bound yet", idle, Chart.PALETTE[3], true, true));
        c.add(new Chart.Series("live heap after a full GC, end of the run", live, Chart.PALETTE[2], false, true));
        c.note("one JVM per run (a fresh process per count of bindings): relay, Discord stand-in and shard clients together");
        return c;
    }

    static double niceCeiling(double v) {
        if (v <= 0) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    static double[] ticks(double top) {
        double[] t = new double[6];
        for (int i = 0; i <= 5; i++) t[i] = top * i / 5;
        return t;
    }
}
