package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inwardportal.control.local.TestPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load run in this JVM: N bindings through the relay, each with its shard streaming and M
 * members talking, warmed up, then measured for T seconds; afterwards the transcoding baselines:
 * the same bindings through a relay built on libwebrtc ({@link LibWebRtcBaseline}) and the
 * codec-only stand-in on the same frames ({@link TranscodingBaseline}). Returns the report as JSON (see bench/README.md for each figure).
 */
public final class LoadRun {
    private static final Logger log = LoggerFactory.getLogger(LoadRun.class);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TO_DISCORD = "to_discord", TO_SHARD = "to_shard";

    private LoadRun() {
    }

    public static ObjectNode run(int n, LoadOptions o) throws Exception {
        return run(n, o.viewers().getFirst(), o);
    }

    /** As {@link #run(int, LoadOptions)}, with {@code v} viewers per binding. */
    public static ObjectNode run(int n, int v, LoadOptions o) throws Exception {
        String loadBefore = loadAverage();
        Path data = Files.createTempDirectory("portal-load");
        OpusClips clips = new OpusClips(o.members());
        LatencyHistogram e2eToDiscord = new LatencyHistogram(), e2eToShard = new LatencyHistogram(), gaps = new LatencyHistogram();
        List<FrameStream> fromShards = new ArrayList<>();
        List<FrameStream[]> fromMembers = new ArrayList<>();
        long setupStart = System.nanoTime();
        ObjectNode report = JSON.createObjectNode();
        try (ProcessProbe probe = new ProcessProbe(); LoadRelay relay = new LoadRelay(n, data)) {
            long idleHeap = ProcessProbe.liveHeapBytesAfterGc();
            ProcessProbe.Sample idle = probe.sample(); // bots logged in, nothing bound yet
            long framesToSend = (o.warmupSeconds() + o.seconds() + 2L) * 50;
            try (ShardSide shards = new ShardSide(clips, o.video() ? TestPattern.load() : null, e2eToShard);
                 DiscordSide discord = new DiscordSide(clips, relay.standIn, e2eToDiscord, gaps); ViewerSide viewers = new ViewerSide()) {
                List<String> tokens = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    FrameStream fromShard = new FrameStream();
                    FrameStream[] members = new FrameStream[o.members()];
                    for (int m = 0; m < members.length; m++) members[m] = new FrameStream();
                    fromShards.add(fromShard);
                    fromMembers.add(members);
                    discord.join(relay.voiceChannels.get(i), i, o.members(), fromShard);
                    tokens.add(relay.bind(i));
                }
                await(n + " voice connections", () -> java.util.stream.IntStream.range(0, n).allMatch(relay::voiceReady),
                        Duration.ofSeconds(30 + n));
                try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) { // DTLS handshakes, a few at a time
                    List<java.util.concurrent.Future<?>> connecting = new ArrayList<>();
                    for (int b = 0; b < n; b++) {
                        int i = b;
                        connecting.add(pool.submit(() -> {
                            shards.connect(relay.signalingUri(), i, tokens.get(i), fromShards.get(i), fromMembers.get(i));
                            return null;
                        }));
                    }
                    for (var f : connecting) f.get();
                }
                for (int i = 0; i < n && v > 0; i++) {
                    var live = relay.live(i);
                    viewers.join(relay.endpoint(), live.getValue(), live.getKey(), i, v);
                }
                await(n * v + " viewers connected", () -> viewers.connected() == n * v, Duration.ofSeconds(10 + n * v / 10));
                double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
                log.info("load: {} bindings ready in {} s; streaming, {} s warm-up then {} s measured", n, Math.round(setupSeconds),
                        o.warmupSeconds(), o.seconds());
                shards.startSending(framesToSend);
                discord.startTalking(framesToSend, fromMembers);
                Thread.sleep(o.warmupSeconds() * 1000L);

                for (FrameStream s : fromShards) s.openWindow();
                for (FrameStream[] ms : fromMembers) for (FrameStream s : ms) s.openWindow();
                viewers.openWindow();
                RelayMeters metersBefore = RelayMeters.of(relay.registry);
                ProcessProbe.Sample before = probe.sample();
                probe.measuring(true);
                Thread.sleep(o.seconds() * 1000L);
                probe.measuring(false);
                ProcessProbe.Sample after = probe.sample();
                RelayMeters meters = RelayMeters.of(relay.registry).since(metersBefore);
                for (FrameStream s : fromShards) s.closeWindow();
                for (FrameStream[] ms : fromMembers) for (FrameStream s : ms) s.closeWindow();
                viewers.closeWindow();
                Thread.sleep(1000); // frames still on their way
                long liveHeap = ProcessProbe.liveHeapBytesAfterGc(); // after the window: its pause touches no counted frame
                long sentToDiscord = fromShards.stream().mapToLong(FrameStream::windowSent).sum();
                long receivedInDiscord = fromShards.stream().mapToLong(FrameStream::windowReceived).sum();
                long sentToShard = fromMembers.stream().flatMap(java.util.Arrays::stream).mapToLong(FrameStream::windowSent).sum();
                long receivedAtShard = fromMembers.stream().flatMap(java.util.Arrays::stream).mapToLong(FrameStream::windowReceived).sum();

                ObjectNode run = report.putObject("run");
                run.put("bindings", n).put("members", o.members()).put("seconds", o.seconds()).put("warmupSeconds", o.warmupSeconds())
                        .put("startedAt", Instant.now().toString()).put("java", Runtime.version().toString())
                        .put("cores", Runtime.getRuntime().availableProcessors()).put("gc", gcNames())
                        .put("loadAverageBefore", loadBefore).put("setupSeconds", round(setupSeconds))
                        .put("unmatchedInDiscord", discord.unmatched()).put("unmatchedAtShard", shards.unmatched())
                        .put("shardSendErrors", shards.sendErrors()).put("viewersPerBinding", v).put("video", o.video());
                double window = (after.nanos() - before.nanos()) / 1e9;
                report.putObject("viewers").put("perBinding", v).put("total", viewers.count()).put("connectedAtEnd", viewers.connected())
                        .put("audioPacketsPerSecond", round(viewers.windowAudio() / window))
                        .put("videoPacketsPerSecond", round(viewers.windowVideo() / window))
                        .put("packetsPerSecond", round((viewers.windowAudio() + viewers.windowVideo()) / window))
                        .put("fewestPacketsOfAViewer", viewers.windowMinPerViewer());
                ObjectNode dirs = report.putObject("directions");
                direction(dirs.putObject(TO_DISCORD), TO_DISCORD, meters, sentToDiscord, receivedInDiscord, e2eToDiscord);
                direction(dirs.putObject(TO_SHARD), TO_SHARD, meters, sentToShard, receivedAtShard, e2eToShard);
                ObjectNode pacing = report.putObject("pacingToDiscord");
                pacing.put("gaps", gaps.count()).put("gapP1Ms", round(gaps.percentileMs(0.01))).put("gapP50Ms", round(gaps.percentileMs(0.5)))
                        .put("gapP99Ms", round(gaps.percentileMs(0.99))).put("gapMaxMs", round(gaps.maxMicros() / 1e3));
                process(report.putObject("process"), n, o, idle, before, after, probe);
                double framesMoved = meters.counter(TO_DISCORD + ".frames_in") + meters.counter(TO_SHARD + ".frames_in");
                ((ObjectNode) report.get("process"))
                        .put("relayThreadsAllocationBytesPerFrame", round(report.at("/process/relayThreadsAllocatedBytes").asDouble() / Math.max(1, framesMoved)))
                        .put("liveHeapAfterGcMb", round(liveHeap / 1e6 / 1.048576))
                        .put("liveHeapPerBindingMb", round((liveHeap - idleHeap) / 1e6 / 1.048576 / n));
            }
        } finally {
            deleteQuietly(data);
        }
        if (o.baseline()) baselines(report, clips, n, o);
        return report;
    }

    private static void direction(ObjectNode d, String dir, RelayMeters m, long sent, long received, LatencyHistogram e2e) {
        long lost = Math.max(0, sent - received);
        d.put("framesSent", sent).put("framesReceived", received).put("lost", lost)
                .put("lossPercent", sent == 0 ? 0 : round(100.0 * lost / sent));
        ObjectNode r = d.putObject("relay");
        r.put("framesIn", (long) m.counter(dir + ".frames_in")).put("framesOut", (long) m.counter(dir + ".frames_out"))
                .put("concealed", (long) m.counter(dir + ".concealed"));
        ObjectNode drops = r.putObject("dropped");
        m.counters().forEach((k, v) -> {
            if (k.startsWith(dir + ".dropped.")) drops.put(k.substring((dir + ".dropped.").length()), v.longValue());
        });
        BucketDistribution lat = m.latency(dir);
        r.put("latencySamples", lat.count()).put("addedP50Ms", round(lat.percentileMs(0.5))).put("addedP99Ms", round(lat.percentileMs(0.99)))
                .put("addedP999Ms", round(lat.percentileMs(0.999)));
        ObjectNode e = d.putObject("endToEnd");
        e.put("samples", e2e.count()).put("p50Ms", round(e2e.percentileMs(0.5))).put("p99Ms", round(e2e.percentileMs(0.99)))
                .put("p999Ms", round(e2e.percentileMs(0.999))).put("maxMs", round(e2e.maxMicros() / 1e3)).put("meanMs", round(e2e.meanMs()));
        ObjectNode cdf = d.putObject("cdf");
        points(cdf.putArray("relay"), lat.cdf());
        points(cdf.putArray("endToEnd"), e2e.cdf());
    }

    private static void process(ObjectNode p, int n, LoadOptions o, ProcessProbe.Sample idle, ProcessProbe.Sample a, ProcessProbe.Sample b,
                                ProcessProbe probe) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        double cores = (b.cpuNanos() - a.cpuNanos()) / 1e9 / seconds;
        p.put("measuredSeconds", round(seconds)).put("cpuCores", round(cores)).put("cpuPerBindingPercentOfCore", round(100 * cores / n))
                .put("rssMb", round(b.rssKb() / 1024.0)).put("rssIdleMb", round(idle.rssKb() / 1024.0))
                .put("rssPerBindingMb", round((b.rssKb() - idle.rssKb()) / 1024.0 / n))
                .put("allocationMbPerSecond", round((b.allocatedBytes() - a.allocatedBytes()) / 1e6 / seconds))
                .put("liveThreads", b.liveThreads()).put("liveThreadsIdle", idle.liveThreads());
        LatencyHistogram gc = probe.gcPauses;
        p.put("gcPauses", gc.count()).put("gcPausesPerSecond", round(gc.count() / seconds)).put("gcPauseP99Ms", round(gc.percentileMs(0.99)))
                .put("gcPauseMaxMs", round(gc.maxMicros() / 1e3)).put("gcPauseTotalMs", round(gc.meanMs() * gc.count()))
                .put("gcPausesCountedByMxBeans", b.gcPausesCounted() - a.gcPausesCounted());
        ObjectNode kinds = p.putObject("cpuPercentOfCoreByThreadKind");
        double relay = 0, media = 0, discordSide = 0;
        List<Map.Entry<String, Long>> sorted = new ArrayList<>();
        for (var e : b.cpuByThreadKind().entrySet()) {
            long d = e.getValue() - a.cpuByThreadKind().getOrDefault(e.getKey(), 0L);
            if (d > 0) sorted.add(Map.entry(e.getKey(), d));
        }
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (var e : sorted) {
            double pct = 100.0 * e.getValue() / 1e9 / seconds;
            kinds.put(e.getKey(), round(pct));
            if (ThreadKinds.isRelay(e.getKey())) relay += pct;
            if (e.getKey().startsWith("relay-media")) media += pct; // the endpoint's loops: where forwarding to viewers happens
            if (ThreadKinds.isDiscordSide(e.getKey())) discordSide += pct;
        }
        p.put("relayThreadsCpuPerBindingPercentOfCore", round(relay / n)).put("relayThreadsCpuPercentOfCore", round(relay))
                .put("relayMediaThreadsCpuPercentOfCore", round(media))
                .put("relayDiscordSideThreadsCpuPerBindingPercentOfCore", round(discordSide / n));
        double relayAlloc = 0;
        ObjectNode allocKinds = p.putObject("allocationMbPerSecondByThreadKind");
        for (var e : b.allocatedByThreadKind().entrySet()) {
            long d = e.getValue() - a.allocatedByThreadKind().getOrDefault(e.getKey(), 0L);
            if (d > 0 && ThreadKinds.isRelay(e.getKey())) relayAlloc += d;
            if (d > 0) allocKinds.put(e.getKey(), round(d / 1e6 / seconds));
        }
        // threads that ended in the window are missing here; the relay's hot threads live through it
        p.put("relayThreadsAllocationMbPerSecond", round(relayAlloc / 1e6 / seconds)).put("relayThreadsAllocatedBytes", (long) relayAlloc);
        ObjectNode count = p.putObject("threadsByKind"), idleCount = p.putObject("threadsByKindIdle"); // what each binding costs in threads
        b.threadsByKind().forEach(count::put);
        idle.threadsByKind().forEach(idleCount::put);
    }

    private static void baselines(ObjectNode report, OpusClips clips, int n, LoadOptions o) throws Exception {
        double ours = report.at("/process/relayThreadsCpuPerBindingPercentOfCore").asDouble();
        if (o.libwebrtc()) {
            log.info("load: the libwebrtc baseline, {} bindings, {} s warm-up then {} s measured, in a network namespace", n,
                    o.warmupSeconds(), o.seconds());
            JsonNode measured = LibWebRtcBaseline.run(n, o.members(), o.seconds(), o.warmupSeconds());
            report.set("transcodingBaseline", libwebrtcBaseline(measured, ours,
                    report.at("/process/relayDiscordSideThreadsCpuPerBindingPercentOfCore").asDouble()));
        }
        TranscodingBaseline.Cost c = TranscodingBaseline.measure(clips, 500_000_000L);
        ObjectNode b = report.putObject("codecOnlyBaseline");
        double base = 100 * c.coresPerBinding(o.members());
        b.put("what", "libopus decode + encode per frame per leg (relay's FFM libopus) on one thread, no libwebrtc")
                .put("shardLegMicrosPerFrame", round(c.shardLegMicros())).put("memberLegMicrosPerFrame", round(c.memberLegMicros()))
                .put("perBindingPercentOfCore", round(base)).put("ratioRelayThreads", round(ours / base));
    }

    /**
     * The libwebrtc baseline as reported: its cost per binding (libwebrtc's threads and the Discord
     * side's libopus threads, not the JVM's own) and ours as a ratio of it — against the baseline
     * alone, and against it plus our relay's Discord-side threads, which a relay on libwebrtc would
     * run as well and the baseline leaves out. {@code measured} is {@link WebRtcRelayBaseline}'s output.
     */
    static ObjectNode libwebrtcBaseline(JsonNode measured, double oursPerBinding, double oursDiscordSidePerBinding) {
        ObjectNode b = JSON.createObjectNode();
        b.put("what", "a relay on webrtc-java/libwebrtc: per binding one peer connection to the shard (libwebrtc decodes its Opus,"
                + " encodes each member's pushed PCM), libopus decode per member and encode toward Discord; no Discord transport");
        if (!measured.has("perBindingPercentOfCore")) {
            b.setAll((ObjectNode) measured);
            return b;
        }
        double base = measured.path("perBindingPercentOfCore").asDouble();
        b.put("bindings", measured.path("bindings").asInt()).put("bindingsConnected", measured.path("bindingsConnected").asInt())
                .put("perBindingPercentOfCore", base)
                .put("libwebrtcPerBindingPercentOfCore", measured.path("libwebrtcPerBindingPercentOfCore").asDouble())
                .put("discordCodecPerBindingPercentOfCore", measured.path("discordCodecPerBindingPercentOfCore").asDouble())
                .put("processCpuPerBindingPercentOfCore", measured.path("processCpuPerBindingPercentOfCore").asDouble())
                // below ~0.95 the machine did not keep up with the baseline (its shards share it): its cost per binding is understated
                .put("delivered", Math.min(measured.at("/window/deliveredFromShards").asDouble(), measured.at("/window/deliveredFromMembers").asDouble()))
                .put("ratioRelayThreads", round(oursPerBinding / base))
                .put("ratioRelayThreadsToBaselinePlusDiscordSide", round(oursPerBinding / (base + oursDiscordSidePerBinding)));
        b.set("measured", measured);
        return b;
    }

    private static void points(ArrayNode a, List<double[]> pts) {
        for (double[] p : pts) a.addArray().add(round(p[0])).add(round(p[1]));
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return 0;
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static String gcNames() {
        return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier c, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(what + ": not within " + within);
            Thread.sleep(10);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (Exception ignored) {
            // a temporary folder
        }
    }
}
