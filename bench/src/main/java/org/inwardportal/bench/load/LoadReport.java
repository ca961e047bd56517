package org.inwardportal.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a load invocation's results: per run {@code run-<time>-n<N>.json} and {@code .csv}; for the
 * invocation {@code latest.json} (all its runs), {@code latest.csv} (one row per run),
 * {@code latest.md} (the table bench/README.md shows) and the {@code latest-*.png} plots.
 */
final class LoadReport {
    /** CSV column → JSON pointer into a run. */
    static final String[][] COLUMNS = {
            {"bindings", "/run/bindings"}, {"members", "/run/members"}, {"seconds", "/run/seconds"},
            {"to_discord_sent", "/directions/to_discord/framesSent"}, {"to_discord_lost", "/directions/to_discord/lost"},
            {"to_discord_added_p50_ms", "/directions/to_discord/relay/addedP50Ms"},
            {"to_discord_added_p99_ms", "/directions/to_discord/relay/addedP99Ms"},
            {"to_discord_added_p999_ms", "/directions/to_discord/relay/addedP999Ms"},
            {"to_discord_e2e_p50_ms", "/directions/to_discord/endToEnd/p50Ms"}, {"to_discord_e2e_p99_ms", "/directions/to_discord/endToEnd/p99Ms"},
            {"to_discord_e2e_p999_ms", "/directions/to_discord/endToEnd/p999Ms"}, {"to_discord_concealed", "/directions/to_discord/relay/concealed"},
            {"to_shard_sent", "/directions/to_shard/framesSent"}, {"to_shard_lost", "/directions/to_shard/lost"},
            {"to_shard_added_p50_ms", "/directions/to_shard/relay/addedP50Ms"}, {"to_shard_added_p99_ms", "/directions/to_shard/relay/addedP99Ms"},
            {"to_shard_added_p999_ms", "/directions/to_shard/relay/addedP999Ms"},
            {"to_shard_e2e_p50_ms", "/directions/to_shard/endToEnd/p50Ms"}, {"to_shard_e2e_p99_ms", "/directions/to_shard/endToEnd/p99Ms"},
            {"to_shard_e2e_p999_ms", "/directions/to_shard/endToEnd/p999Ms"}, {"to_shard_concealed", "/directions/to_shard/relay/concealed"},
            {"pacing_gap_p1_ms", "/pacingToDiscord/gapP1Ms"}, {"pacing_gap_p50_ms", "/pacingToDiscord/gapP50Ms"},
            {"pacing_gap_p99_ms", "/pacingToDiscord/gapP99Ms"}, {"pacing_gap_max_ms", "/pacingToDiscord/gapMaxMs"},
            {"cpu_cores", "/process/cpuCores"}, {"cpu_per_binding_pct_core", "/process/cpuPerBindingPercentOfCore"},
            {"relay_cpu_per_binding_pct_core", "/process/relayThreadsCpuPerBindingPercentOfCore"},
            {"rss_mb", "/process/rssMb"}, {"rss_per_binding_mb", "/process/rssPerBindingMb"},
            {"alloc_mb_per_s", "/process/allocationMbPerSecond"},
            {"relay_alloc_mb_per_s", "/process/relayThreadsAllocationMbPerSecond"},
            {"relay_alloc_bytes_per_frame", "/process/relayThreadsAllocationBytesPerFrame"}, {"gc_pauses", "/process/gcPauses"},
            {"gc_pause_max_ms", "/process/gcPauseMaxMs"}, {"threads", "/process/liveThreads"},
            {"baseline_per_binding_pct_core", "/transcodingBaseline/perBindingPercentOfCore"},
            {"baseline_bindings_connected", "/transcodingBaseline/bindingsConnected"},
            {"baseline_delivered", "/transcodingBaseline/delivered"},
            {"ratio_relay_threads_to_baseline", "/transcodingBaseline/ratioRelayThreads"},
            {"ratio_relay_threads_to_baseline_plus_discord_side", "/transcodingBaseline/ratioRelayThreadsToBaselinePlusDiscordSide"},
            {"codec_only_per_binding_pct_core", "/codecOnlyBaseline/perBindingPercentOfCore"},
            {"ratio_relay_threads_to_codec_only", "/codecOnlyBaseline/ratioRelayThreads"},
            {"live_heap_mb", "/process/liveHeapAfterGcMb"}, {"setup_seconds", "/run/setupSeconds"},
            {"viewers_per_binding", "/run/viewersPerBinding"}, {"viewer_packets_per_s", "/viewers/packetsPerSecond"},
            {"relay_cpu_pct_core", "/process/relayThreadsCpuPercentOfCore"},
            {"relay_cpu_per_viewer_pct_core", "/viewers/relayCpuPerViewerPercentOfCore"},
            {"relay_media_cpu_per_viewer_pct_core", "/viewers/relayMediaCpuPerViewerPercentOfCore"},
    };

    private LoadReport() {
    }

    /** Writes everything; returns the files written. */
    static List<Path> write(Path dir, List<JsonNode> runs) throws IOException {
        Files.createDirectories(dir);
        perViewer(runs);
        List<Path> files = new ArrayList<>();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        for (JsonNode r : runs) {
            int v = r.path("run").path("viewersPerBinding").asInt();
            String base = "run-" + stamp + "-n" + r.path("run").path("bindings").asInt() + (v > 0 ? "-v" + v : "");
            files.add(write(dir.resolve(base + ".json"), LoadRun.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r)));
            files.add(write(dir.resolve(base + ".csv"), csv(List.of(r))));
        }
        files.addAll(writeSummary(dir, runs));
        return files;
    }

    /** The invocation's summary and plots only (also what {@code --replot} redraws from a {@code latest.json}). */
    static List<Path> writeSummary(Path dir, List<JsonNode> runs) throws IOException {
        List<Path> files = new ArrayList<>();
        perViewer(runs);
        ArrayNode all = LoadRun.JSON.createArrayNode();
        runs.forEach(all::add);
        files.add(write(dir.resolve("latest.json"), LoadRun.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all)));
        files.add(write(dir.resolve("latest.csv"), csv(runs)));
        files.add(write(dir.resolve("latest.md"), table(runs)));
        files.addAll(LoadPlots.write(dir, "latest-", runs));
        return files;
    }

    /**
     * The relay's CPU per viewer, for each run with viewers that has a sibling without (same
     * bindings and members, shards sending video in both): the difference in the relay threads'
     * CPU, divided by the viewers. The viewers' own receive threads are not the relay's and are not
     * in either figure.
     */
    static void perViewer(List<JsonNode> runs) {
        for (JsonNode r : runs) {
            int v = r.at("/run/viewersPerBinding").asInt();
            if (v == 0 || !(r.get("viewers") instanceof com.fasterxml.jackson.databind.node.ObjectNode out)) continue;
            for (JsonNode z : runs) {
                if (z.at("/run/viewersPerBinding").asInt(-1) != 0 || z.at("/run/bindings").asInt() != r.at("/run/bindings").asInt()
                        || z.at("/run/members").asInt() != r.at("/run/members").asInt()) continue;
                double with = r.at("/process/relayThreadsCpuPercentOfCore").asDouble(), without = z.at("/process/relayThreadsCpuPercentOfCore").asDouble();
                int total = v * r.at("/run/bindings").asInt();
                out.put("relayCpuWithoutViewersPercentOfCore", without)
                        .put("relayCpuPerViewerPercentOfCore", LoadRun.round((with - without) / total))
                        // the endpoint's threads alone: less noise from the relay's Discord side, which viewers do not touch
                        .put("relayMediaCpuPerViewerPercentOfCore", LoadRun.round((r.at("/process/relayMediaThreadsCpuPercentOfCore").asDouble()
                                - z.at("/process/relayMediaThreadsCpuPercentOfCore").asDouble()) / total))
                        .put("packetsPerSecondPerViewer", LoadRun.round(r.at("/viewers/packetsPerSecond").asDouble() / total));
                break;
            }
        }
    }

    private static Path write(Path f, String text) throws IOException {
        Files.writeString(f, text);
        return f;
    }

    static String csv(List<JsonNode> runs) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < COLUMNS.length; i++) s.append(i == 0 ? "" : ",").append(COLUMNS[i][0]);
        s.append('\n');
        for (JsonNode r : runs) {
            for (int i = 0; i < COLUMNS.length; i++) s.append(i == 0 ? "" : ",").append(r.at(COLUMNS[i][1]).asText(""));
            s.append('\n');
        }
        return s.toString();
    }

    /** The results table of bench/README.md. */
    static String table(List<JsonNode> runs) {
        StringBuilder s = new StringBuilder();
        s.append("| bindings × members | direction | frames sent / lost | relay added p50 / p99 / p99.9 ms | end to end p50 / p99 / p99.9 ms |"
                + " concealed | CPU per binding, % core: process (relay threads) | libwebrtc baseline¹, % core per binding | relay threads ÷ baseline¹ (÷ baseline + our Discord side²) | RSS MB (live heap) | alloc MB/s: process (relay threads, B per frame) | GC pauses (max ms) | threads |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            for (String d : List.of(LoadRun.TO_DISCORD, LoadRun.TO_SHARD)) {
                JsonNode x = r.path("directions").path(d), p = r.path("process"), b = r.path("transcodingBaseline");
                boolean first = d.equals(LoadRun.TO_DISCORD);
                s.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %s / %s / %s | %s / %s / %s | %d | %s |",
                        first ? r.at("/run/bindings").asText() + " × " + r.at("/run/members").asText()
                                + (r.at("/run/viewersPerBinding").asInt() > 0 ? " + " + r.at("/run/viewersPerBinding").asText() + " viewers" : "") : "",
                        first ? "shard → Discord" : "Discord → shard",
                        x.path("framesSent").asLong(), x.path("lost").asLong(),
                        Chart.number(x.at("/relay/addedP50Ms").asDouble()), Chart.number(x.at("/relay/addedP99Ms").asDouble()),
                        Chart.number(x.at("/relay/addedP999Ms").asDouble()),
                        Chart.number(x.at("/endToEnd/p50Ms").asDouble()), Chart.number(x.at("/endToEnd/p99Ms").asDouble()),
                        Chart.number(x.at("/endToEnd/p999Ms").asDouble()), x.at("/relay/concealed").asLong(),
                        first ? p.path("cpuPerBindingPercentOfCore").asText() + " (" + p.path("relayThreadsCpuPerBindingPercentOfCore").asText() + ")" : ""));
                if (first) {
                    String atN = b.path("bindingsConnected").asInt(-1) >= 0 && b.path("bindingsConnected").asInt() != b.path("bindings").asInt()
                            ? " (at " + b.path("bindingsConnected").asText() + " bindings)" : "";
                    if (b.has("delivered") && b.path("delivered").asDouble() < 0.95) {
                        atN += String.format(Locale.ROOT, " (kept up %.0f %%³)", 100 * b.path("delivered").asDouble());
                    }
                    s.append(String.format(Locale.ROOT, " %s | %s (%s) | %s | %s | %s (%s) | %s |",
                            b.has("perBindingPercentOfCore") ? b.path("perBindingPercentOfCore").asText() + atN
                                    : "– (" + b.path("skipped").asText(b.path("failed").asText("not run")) + ")",
                            b.path("ratioRelayThreads").asText("–"), b.path("ratioRelayThreadsToBaselinePlusDiscordSide").asText("–"),
                            p.path("rssMb").asText() + " (" + p.path("liveHeapAfterGcMb").asText() + ")",
                            p.path("allocationMbPerSecond").asText() + " (" + p.path("relayThreadsAllocationMbPerSecond").asText("–")
                                    + ", " + p.path("relayThreadsAllocationBytesPerFrame").asText("–") + ")",
                            p.path("gcPauses").asText(),
                            p.path("gcPauseMaxMs").asText(), p.path("liveThreads").asText()));
                } else {
                    s.append(" | | | | | |");
                }
                s.append('\n');
            }
        }
        s.append('\n');
        for (JsonNode r : runs) {
            JsonNode w = r.path("viewers");
            if (r.at("/run/viewersPerBinding").asInt() == 0) continue;
            s.append(String.format(Locale.ROOT, "- %s bindings × %s viewers: %s packets/s forwarded to viewers (%s audio, %s video),"
                            + " relay threads %s %% of a core (%s without viewers): %s %% of a core per viewer (media threads alone: %s)%n",
                    r.at("/run/bindings").asText(), w.path("perBinding").asText(), Chart.number(w.path("packetsPerSecond").asDouble()),
                    Chart.number(w.path("audioPacketsPerSecond").asDouble()), Chart.number(w.path("videoPacketsPerSecond").asDouble()),
                    Chart.number(r.at("/process/relayThreadsCpuPercentOfCore").asDouble()),
                    w.has("relayCpuPerViewerPercentOfCore") ? Chart.number(w.path("relayCpuWithoutViewersPercentOfCore").asDouble()) : "–",
                    w.has("relayCpuPerViewerPercentOfCore") ? String.format(Locale.ROOT, "%.2f", w.path("relayCpuPerViewerPercentOfCore").asDouble()) : "– (no run without viewers)",
                    w.has("relayMediaCpuPerViewerPercentOfCore") ? String.format(Locale.ROOT, "%.2f", w.path("relayMediaCpuPerViewerPercentOfCore").asDouble()) : "–"));
        }
        for (JsonNode r : runs) {
            JsonNode c = r.path("codecOnlyBaseline");
            if (!c.has("perBindingPercentOfCore")) continue;
            s.append(String.format(Locale.ROOT, "- %s bindings: codec-only stand-in (libopus decode + encode per leg, no libwebrtc) %s %% of a core"
                            + " per binding; relay threads ÷ it: %s%n",
                    r.at("/run/bindings").asText(), c.path("perBindingPercentOfCore").asText(), c.path("ratioRelayThreads").asText()));
        }
        for (JsonNode r : runs) {
            JsonNode g = r.path("pacingToDiscord");
            int v = r.at("/run/viewersPerBinding").asInt();
            s.append(String.format(Locale.ROOT, "- %s bindings%s: gaps between frames arriving in Discord p1 / p50 / p99 / max: %s / %s / %s / %s ms%n",
                    r.at("/run/bindings").asText(), v > 0 ? " + " + v + " viewers each" : "", g.path("gapP1Ms").asText(), g.path("gapP50Ms").asText(), g.path("gapP99Ms").asText(),
                    g.path("gapMaxMs").asText()));
        }
        return s.toString();
    }
}
