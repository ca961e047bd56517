package org.inwardportal.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load harness at its smallest (2 bindings × 1 talking member × 3 s, real JDA against the
 * stand-in, light shards on loopback): the report is complete and adds up. Correctness only: no
 * figure of speed is asserted.
 */
class LoadHarnessTest {
    @TempDir
    Path dir;

    @Test
    void aTinyRunReportsBothDirectionsConsistentlyInJsonCsvAndPng() throws Exception {
        // the libwebrtc baseline needs root and a network namespace: LibWebRtcBaselineInteropIT runs it
        LoadOptions o = LoadOptions.parse(new String[] {"--bindings", "2", "--members", "1", "--seconds", "3", "--warmup", "1",
                "--codec-only-baseline", "--out", dir.toString()});
        JsonNode run = LoadRun.run(2, o);
        LoadReport.write(dir, List.of(run));

        JsonNode latest = LoadRun.JSON.readTree(dir.resolve("latest.json").toFile());
        assertThat(latest.isArray()).isTrue();
        assertThat(latest).hasSize(1);
        JsonNode r = latest.get(0);
        assertThat(r.at("/run/bindings").asInt()).isEqualTo(2);
        for (String d : List.of(LoadRun.TO_DISCORD, LoadRun.TO_SHARD)) {
            JsonNode x = r.path("directions").path(d);
            long sent = x.path("framesSent").asLong(), received = x.path("framesReceived").asLong();
            // 2 streams (one shard or one member per binding) for 3 s at 50 frames/s
            assertThat(sent).as(d + " sent").isBetween(250L, 350L);
            assertThat(received).as(d + " received").isPositive().isLessThanOrEqualTo(sent);
            assertThat(x.path("lost").asLong()).as(d + " lost").isEqualTo(sent - received);
            assertThat(x.at("/endToEnd/samples").asLong()).as(d + " timed frames").isEqualTo(received);
            assertThat(x.at("/relay/framesIn").asLong()).as(d + " relay in").isPositive();
            assertThat(x.at("/relay/framesOut").asLong()).as(d + " relay out").isPositive().isLessThanOrEqualTo(x.at("/relay/framesIn").asLong() + 5);
            assertThat(x.at("/relay/latencySamples").asLong()).as(d + " relay latency samples").isPositive();
            assertThat(x.at("/relay/dropped").isObject()).isTrue();
            assertThat(x.at("/relay/concealed").isNumber()).isTrue();
            for (String[] q : new String[][] {{"/relay/addedP50Ms", "/relay/addedP99Ms", "/relay/addedP999Ms"},
                    {"/endToEnd/p50Ms", "/endToEnd/p99Ms", "/endToEnd/p999Ms"}}) {
                double p50 = x.at(q[0]).asDouble(), p99 = x.at(q[1]).asDouble(), p999 = x.at(q[2]).asDouble();
                assertThat(p50).as(d + q[0]).isPositive().isLessThanOrEqualTo(p99);
                assertThat(p99).as(d + q[1]).isLessThanOrEqualTo(p999);
            }
            // the end-to-end path contains the relay's: its median cannot be smaller than the relay's own
            assertThat(x.at("/endToEnd/p50Ms").asDouble()).as(d).isGreaterThanOrEqualTo(x.at("/relay/addedP50Ms").asDouble() * 0.9);
            assertThat(x.at("/cdf/relay").size()).isPositive();
            assertThat(x.at("/cdf/endToEnd").size()).isPositive();
        }
        assertThat(r.at("/pacingToDiscord/gaps").asLong()).isPositive();
        assertThat(r.at("/pacingToDiscord/gapP50Ms").asDouble()).as("frames toward Discord are paced at about 20 ms").isBetween(10.0, 30.0);
        JsonNode p = r.path("process");
        assertThat(p.path("cpuCores").asDouble()).isPositive();
        assertThat(p.path("rssMb").asDouble()).isPositive();
        assertThat(p.path("allocationMbPerSecond").asDouble()).isPositive();
        assertThat(p.path("liveThreads").asInt()).isGreaterThan(p.path("liveThreadsIdle").asInt());
        assertThat(p.path("relayThreadsCpuPerBindingPercentOfCore").asDouble()).isPositive()
                .isLessThanOrEqualTo(p.path("cpuPerBindingPercentOfCore").asDouble());
        assertThat(p.path("cpuPercentOfCoreByThreadKind").size()).isPositive();
        assertThat(r.has("transcodingBaseline")).as("no libwebrtc baseline when not asked").isFalse();
        JsonNode b = r.path("codecOnlyBaseline");
        assertThat(b.path("perBindingPercentOfCore").asDouble()).isPositive();
        assertThat(b.path("ratioRelayThreads").asDouble()).isPositive();
        assertThat(p.path("relayDiscordSideThreadsCpuPerBindingPercentOfCore").asDouble()).isPositive()
                .isLessThanOrEqualTo(p.path("relayThreadsCpuPerBindingPercentOfCore").asDouble());

        List<String> csv = Files.readAllLines(dir.resolve("latest.csv"));
        assertThat(csv).hasSize(2);
        assertThat(csv.get(1).split(",", -1)).hasSameSizeAs(csv.get(0).split(","));
        List<String> header = List.of(csv.get(0).split(",")), row = List.of(csv.get(1).split(",", -1));
        for (int i = 0; i < header.size(); i++) {
            // empty: the per-viewer figures without viewers, the libwebrtc baseline's when not run
            boolean mayBeEmpty = header.get(i).contains("per_viewer") || header.get(i).startsWith("baseline_")
                    || header.get(i).contains("_to_baseline");
            if (!mayBeEmpty) assertThat(row.get(i)).as(header.get(i)).isNotEmpty();
        }
        assertThat(row.get(header.indexOf("relay_cpu_per_viewer_pct_core"))).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("run-")).toList())
                    .as("one JSON and one CSV for the run").hasSize(2);
        }
        assertThat(Files.readString(dir.resolve("latest.md"))).contains("shard → Discord", "Discord → shard");
        for (String png : List.of("latest-latency-cdf-to_discord.png", "latest-latency-cdf-to_shard.png")) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(400);
        }
    }

    @Test
    void viewersOfABindingReceiveItsAudioAndVideoAndTheirCostIsReported() throws Exception {
        LoadOptions o = LoadOptions.parse(new String[] {"--bindings", "1", "--members", "1", "--viewers", "0,2", "--seconds", "3",
                "--warmup", "1", "--no-baseline", "--out", dir.toString()});
        assertThat(o.video()).isTrue();
        JsonNode without = LoadRun.run(1, 0, o), with = LoadRun.run(1, 2, o);
        LoadReport.write(dir, List.of(without, with));

        JsonNode w = with.path("viewers");
        assertThat(w.path("total").asInt()).isEqualTo(2);
        assertThat(w.path("connectedAtEnd").asInt()).isEqualTo(2);
        assertThat(w.path("fewestPacketsOfAViewer").asLong()).as("every viewer received packets").isPositive();
        assertThat(w.path("audioPacketsPerSecond").asDouble()).as("the world's audio at the viewers").isPositive();
        assertThat(w.path("videoPacketsPerSecond").asDouble()).as("the shard's video at the viewers").isPositive();
        assertThat(w.has("relayCpuPerViewerPercentOfCore") && w.has("relayMediaCpuPerViewerPercentOfCore")).isTrue();
        assertThat(w.path("relayCpuWithoutViewersPercentOfCore").asDouble()).isEqualTo(without.at("/process/relayThreadsCpuPercentOfCore").asDouble());
        assertThat(without.path("viewers").path("total").asInt()).isZero();
        assertThat(without.at("/run/video").asBoolean()).as("the run without viewers streams video too").isTrue();
        assertThat(Files.readString(dir.resolve("latest.md"))).contains("1 bindings × 2 viewers", "per viewer");
        List<String> csv = Files.readAllLines(dir.resolve("latest.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).contains("relay_cpu_per_viewer_pct_core");
    }

    @Test
    void severalRunsAlsoPlotCpuAndMemoryAgainstTheCount() throws Exception {
        JsonNode one = LoadRun.JSON.readTree("""
                {"run":{"bindings":1,"members":3,"seconds":30},"process":{"cpuPerBindingPercentOfCore":2.0,
                 "relayThreadsCpuPerBindingPercentOfCore":1.0,"rssMb":300,"rssIdleMb":250},
                 "transcodingBaseline":{"perBindingPercentOfCore":5.0}}""");
        JsonNode ten = LoadRun.JSON.readTree("""
                {"run":{"bindings":10,"members":3,"seconds":30},"process":{"cpuPerBindingPercentOfCore":1.5,
                 "relayThreadsCpuPerBindingPercentOfCore":0.8,"rssMb":420,"rssIdleMb":300},
                 "transcodingBaseline":{"perBindingPercentOfCore":5.0}}""");
        List<Path> files = LoadPlots.write(dir, "t-", List.of(one, ten));
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("t-cpu-vs-bindings.png", "t-memory-vs-bindings.png");
        for (Path f : files) assertThat(ImageIO.read(f.toFile())).as(f.toString()).isNotNull();
    }
}
