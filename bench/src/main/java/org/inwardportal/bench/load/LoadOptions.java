package org.inwardportal.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a load run is asked to do: for each count in {@code bindings}, that many bindings, each with
 * {@code members} Discord members talking and its shard streaming, measured for {@code seconds}
 * after {@code warmupSeconds} (excluded); with each count in {@code viewers}, that many spectators
 * per binding (then every run's shards send video too, so the runs differ by the viewers alone).
 * Results go under {@code out}. {@code baseline}: measure the transcoding baselines after each run;
 * {@code libwebrtc}: the real one (a relay on libwebrtc, in a network namespace) besides the
 * codec-only stand-in.
 */
public record LoadOptions(List<Integer> bindings, int members, int seconds, int warmupSeconds, Path out, boolean baseline,
                          boolean libwebrtc, List<Integer> viewers) {
    public static final String USAGE = """
            usage: load [--bindings N[,N...]] [--members M] [--viewers V[,V...]] [--seconds T] [--warmup W] [--out DIR] [--no-baseline] [--codec-only-baseline]
              --bindings  bindings to run, one run per count (default 10; e.g. 1,10,50)
              --members   talking Discord members per binding (default 3)
              --viewers   spectators per binding, one run per count and binding count (default 0;
                          e.g. 0,20: the relay's CPU per viewer is the difference ÷ 20)
              --seconds   measured seconds per run (default 30)
              --warmup    seconds before measuring, excluded (default 5)
              --out       results folder (default bench/results/load)
              --no-baseline  skip the transcoding baselines
              --codec-only-baseline  skip the libwebrtc baseline (it needs root: a network namespace);
                          keep the codec-only stand-in
            or:    load --replot DIR   (redraws DIR/latest.* from DIR/latest.json)""";

    public LoadOptions {
        bindings = List.copyOf(bindings);
        if (bindings.isEmpty() || bindings.stream().anyMatch(n -> n < 1)) throw new IllegalArgumentException("--bindings: counts of 1 or more");
        if (members < 1 || members > 8) throw new IllegalArgumentException("--members: 1 to 8 (a binding has 8 speaker tracks)");
        if (seconds < 1) throw new IllegalArgumentException("--seconds: 1 or more");
        if (warmupSeconds < 0) throw new IllegalArgumentException("--warmup: 0 or more");
        viewers = List.copyOf(viewers);
        if (viewers.isEmpty() || viewers.stream().anyMatch(v -> v < 0 || v > 255)) throw new IllegalArgumentException("--viewers: 0 to 255");
    }

    /** Whether the shards send video: when any run has viewers (also in its runs without, for a like-for-like difference). */
    public boolean video() {
        return viewers.stream().anyMatch(v -> v > 0);
    }

    /** The same options for one count of bindings. */
    public LoadOptions only(int n) {
        return new LoadOptions(List.of(n), members, seconds, warmupSeconds, out, baseline, libwebrtc, viewers);
    }

    public static LoadOptions parse(String[] args) {
        List<Integer> bindings = List.of(10), viewers = List.of(0);
        int members = 3, seconds = 30, warmup = 5;
        Path out = Path.of("bench/results/load");
        boolean baseline = true, libwebrtc = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-baseline")) {
                baseline = false;
                continue;
            }
            if (a.equals("--codec-only-baseline")) {
                libwebrtc = false;
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            try {
                switch (a) {
                    case "--bindings" -> bindings = counts(v);
                    case "--viewers" -> viewers = counts(v);
                    case "--members" -> members = Integer.parseInt(v);
                    case "--seconds" -> seconds = Integer.parseInt(v);
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + ": not a number: " + v);
            }
        }
        return new LoadOptions(bindings, members, seconds, warmup, out, baseline, libwebrtc, viewers);
    }

    private static List<Integer> counts(String v) {
        List<Integer> l = new ArrayList<>();
        for (String s : v.split(",")) l.add(Integer.parseInt(s.strip()));
        return l;
    }
}
