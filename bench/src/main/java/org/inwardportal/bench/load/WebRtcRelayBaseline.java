package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.inwardportal.relay.peer.LibWebRtcJvm;
import org.inwardportal.relay.peer.LibWebRtcPeer;

/**
 * The transcoding baseline's relay: N bindings as a relay built on webrtc-java/libwebrtc would run
 * them ({@link BaselineBinding}), one peer connection per binding on one shared factory, against
 * {@link WebRtcShardPeers} in a child process. Run inside a private network namespace (two
 * libwebrtc sides gather on adapters, which skip loopback; {@link LibWebRtcBaseline} launches it
 * through scripts/lib/netns/bin/java); the
 * child inherits the namespace. After a warm-up it measures this process's CPU for the window, and
 * per thread from /proc (libwebrtc's native threads included), and writes JSON to the given file.
 * <p>
 * {@code WebRtcRelayBaseline N M SECONDS WARMUP OUT.json}
 */
public final class WebRtcRelayBaseline {
    static final String CODEC_THREAD = "baseline-codec-"; // the Discord side's libopus work
    // HotSpot's own threads, as /proc names them (15 characters): not what a relay does
    private static final List<String> JVM = List.of("VM ", "GC ", "G#", "Z", "C# Compiler", "C#_Compiler", "Sweeper", "Service Thread",
            "Monitor Deflati", "Notification", "Signal Dispatch", "Common-Cleaner", "Reference Handl", "Finalizer", "Attach Listener",
            "JFR", "java", "main", "shard-reader");

    private WebRtcRelayBaseline() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]), members = Integer.parseInt(args[1]), seconds = Integer.parseInt(args[2]),
                warmup = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        ObjectNode r = LoadRun.JSON.createObjectNode();
        r.put("bindings", n).put("members", members).put("seconds", seconds);
        Process shards = new ProcessBuilder(LibWebRtcJvm.command(LibWebRtcJvm.thisJava(), List.of("-XX:+UseZGC"),
                System.getProperty("java.class.path"), WebRtcShardPeers.class.getName(), List.of()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var toShards = new PrintStream(shards.getOutputStream(), true, StandardCharsets.UTF_8);
        var fromShards = new java.util.concurrent.LinkedBlockingQueue<JsonNode>();
        LibWebRtcJvm.readOutput(shards, "shard-reader", line -> {
            try {
                fromShards.add(LoadRun.JSON.readTree(line));
            } catch (Exception ignored) {
                // not a message
            }
        }, line -> { });
        OpusClips clips = new OpusClips(members);
        LibWebRtcPeer.Host host = new LibWebRtcPeer.Host(true, LibWebRtcPeer.Gathering.ADAPTERS);
        List<BaselineBinding> bindings = new ArrayList<>();
        long setupStart = System.nanoTime();
        int connected = 0;
        String stoppedBy = null;
        try {
            for (int i = 0; i < n; i++) {
                BaselineBinding b;
                try {
                    send(toShards, "open", i, null);
                    String offer = expect(fromShards, "offer", shards).path("sdp").asText();
                    b = new BaselineBinding(host, clips, members);
                    bindings.add(b);
                    send(toShards, "answer", i, b.peer.answerTo(offer));
                    // the members' tracks are added as the relay adds speakers: by renegotiating
                    send(toShards, "offer", i, b.peer.offer());
                    b.peer.answer(expect(fromShards, "answer", shards).path("sdp").asText());
                    b.peer.awaitConnected(Duration.ofSeconds(20));
                    host.stopRecording(); // otherwise the module's silence is encoded into every send stream while the rest connect
                    connected++;
                } catch (Exception | Error e) {
                    stoppedBy = "binding " + (i + 1) + " of " + n + ": " + e;
                    System.err.println("libwebrtc baseline: stopped at " + stoppedBy);
                    if (bindings.size() > connected) bindings.removeLast();
                    break;
                }
            }
            if (connected == 0) throw new IllegalStateException("no binding connected: " + stoppedBy);
            r.put("bindingsConnected", connected).put("setupSeconds", LoadRun.round((System.nanoTime() - setupStart) / 1e9));
            if (stoppedBy != null) r.put("stoppedBy", stoppedBy);

            quietRecording(host);
            send(toShards, "start", -1, null);
            expect(fromShards, "started", shards);
            AtomicInteger codecThreads = new AtomicInteger();
            // two threads, as the relay's paced send threads: a binding's libopus work runs on one of them every 20 ms, bindings spread over the period
            ScheduledExecutorService codec = Executors.newScheduledThreadPool(2, t -> new Thread(t, CODEC_THREAD + codecThreads.incrementAndGet()));
            for (int i = 0; i < bindings.size(); i++) {
                BaselineBinding b = bindings.get(i);
                codec.scheduleAtFixedRate(b::tick, 20_000L * i / bindings.size(), 20_000, TimeUnit.MICROSECONDS);
            }
            Thread.sleep(warmup * 1000L);

            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long[] before = counters(bindings);
            Map<String, Long> threadsBefore = TaskCpu.byKind();
            long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu1 = os.getProcessCpuTime(), t1 = System.nanoTime();
            Map<String, Long> threads = TaskCpu.since(threadsBefore, TaskCpu.byKind());
            long[] after = counters(bindings);
            codec.shutdownNow();
            double window = (t1 - t0) / 1e9;
            double processCores = (cpu1 - cpu0) / 1e9 / window;
            double libwebrtc = 0, opus = 0, jvm = 0;
            ObjectNode kinds = r.putObject("cpuPercentOfCoreByThreadKind");
            for (var e : threads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
                double pct = 100.0 * e.getValue() / 1e9 / window;
                kinds.put(e.getKey(), LoadRun.round(pct));
                if (e.getKey().startsWith(CODEC_THREAD)) opus += pct;
                else if (JVM.stream().anyMatch(e.getKey()::startsWith)) jvm += pct;
                else libwebrtc += pct;
            }
            int nb = bindings.size();
            r.put("measuredSeconds", LoadRun.round(window)).put("processCpuCores", LoadRun.round(processCores))
                    .put("processCpuPerBindingPercentOfCore", LoadRun.round(100 * processCores / nb))
                    .put("libwebrtcThreadsPercentOfCore", LoadRun.round(libwebrtc)).put("discordCodecThreadsPercentOfCore", LoadRun.round(opus))
                    .put("jvmThreadsPercentOfCore", LoadRun.round(jvm))
                    .put("perBindingPercentOfCore", LoadRun.round((libwebrtc + opus) / nb))
                    .put("libwebrtcPerBindingPercentOfCore", LoadRun.round(libwebrtc / nb))
                    .put("discordCodecPerBindingPercentOfCore", LoadRun.round(opus / nb))
                    .put("threads", Thread.getAllStackTraces().size()).put("nativeAndJavaThreads", taskCount())
                    .put("rssMb", LoadRun.round(ProcessProbe.rssKb() / 1024.0));
            ObjectNode moved = r.putObject("window");
            // what was done of what N bindings ask for in the window: below ~0.95 the machine did not keep up, and the cost per binding is understated
            moved.put("deliveredFromShards", LoadRun.round((after[0] - before[0]) / (100.0 * nb * window)))
                    .put("deliveredFromMembers", LoadRun.round((after[2] - before[2]) / (50.0 * nb * members * window)));
            moved.put("chunksFromShardsDecoded", after[0] - before[0]).put("framesToDiscordEncoded", after[1] - before[1])
                    .put("memberFramesDecoded", after[2] - before[2]).put("chunksToShardsPushed", after[3] - before[3])
                    .put("pushMicrosMean", LoadRun.round((after[4] - before[4]) / 1e3 / Math.max(1, after[3] - before[3])))
                    .put("shardRms", LoadRun.round(Math.sqrt(bindings.stream().mapToDouble(b -> b.meanSquareSum.sum()).sum()
                            / Math.max(1, bindings.stream().mapToLong(b -> b.chunksFromShard.get()).sum()))));
            send(toShards, "stop", -1, null);
            JsonNode stats = expect(fromShards, "stats", shards);
            r.putObject("atShards").put("chunksReceivedSinceStart", stats.path("chunksReceived").asLong())
                    .put("rmsSinceStart", LoadRun.round(Math.sqrt(stats.path("meanSquare").asDouble())));
            Files.writeString(out, LoadRun.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } finally {
            shards.destroyForcibly();
            System.out.flush();
            Runtime.getRuntime().halt(0); // closing libwebrtc peers can abort the JVM; the result is written
        }
    }

    /** Stops libwebrtc's recording, then again once a negotiation's late restart on its worker thread would have happened (see LibWebRtcPeer). */
    static void quietRecording(LibWebRtcPeer.Host host) throws InterruptedException {
        host.stopRecording();
        Thread.sleep(200);
        host.stopRecording();
    }

    /** Mean square of 16-bit little-endian PCM's first channel, in full-scale units. */
    static double meanSquare(byte[] data, int channels, int frames) {
        double sum = 0;
        for (int i = 0; i < frames; i++) {
            double v = (short) ((data[2 * i * channels] & 0xff) | (data[2 * i * channels + 1] << 8)) / 32768.0;
            sum += v * v;
        }
        return frames == 0 ? 0 : sum / frames;
    }

    private static long[] counters(List<BaselineBinding> bs) {
        long[] c = new long[5];
        for (BaselineBinding b : bs) {
            c[0] += b.chunksFromShard.get();
            c[1] += b.framesToDiscord.get();
            c[2] += b.memberFramesDecoded.get();
            c[3] += b.chunksToShard.get();
            c[4] += b.pushNanos.get();
        }
        return c;
    }

    private static long taskCount() {
        try (var t = Files.list(Path.of("/proc/self/task"))) {
            return t.count();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void send(PrintStream to, String type, int i, String sdp) throws Exception {
        ObjectNode m = LoadRun.JSON.createObjectNode().put("type", type).put("i", i);
        if (sdp != null) m.put("sdp", sdp);
        to.println(LoadRun.JSON.writeValueAsString(m));
        if (to.checkError()) throw new IllegalStateException("the shards' process is gone");
    }

    private static JsonNode expect(java.util.concurrent.BlockingQueue<JsonNode> q, String type, Process shards) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode m = q.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) throw new IllegalStateException("no " + type + " from the shards within 30 s" + (shards.isAlive() ? "" : " (exited " + shards.exitValue() + ")"));
            if (type.equals(m.path("type").asText())) return m;
            if (m.path("i").asInt() == -1 || type.equals("offer") || type.equals("answer")) {
                throw new IllegalStateException("expected " + type + " from the shards, got " + m);
            }
            // else a late reply or error about a binding given up on: skipped
        }
    }
}
