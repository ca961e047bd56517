package org.inwardportal.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Merges one JMH run's JSON into the kept results (a benchmark run again replaces its old entry, the
 * others stay) and writes them with bench/results/jmh-summary.md: scores, allocation per op, the
 * SRTP/JCE ratios. Arguments: the run's JSON, the kept JSON, the summary.
 */
public final class Summary {
    private Summary() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path run = Path.of(args[0]);
        Path json = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Map<String, JsonNode> merged = new java.util.TreeMap<>();
        if (Files.exists(json)) for (JsonNode r : mapper.readTree(json.toFile())) merged.put(key(r), r);
        for (JsonNode r : mapper.readTree(run.toFile())) merged.put(key(r), r);
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), merged.values());
        Files.delete(run);
        Iterable<JsonNode> results = merged.values();
        StringBuilder md = new StringBuilder("# JMH results\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(Runtime.version()).append(". Raw data: `").append(json.getFileName()).append("`.\n\n");
        md.append("| benchmark | parameters | score | unit | ± error | bytes allocated / op |\n|---|---|---|---|---|---|\n");
        Map<String, Double> score = new LinkedHashMap<>();
        for (JsonNode r : results) {
            String name = shortName(r);
            String profile = r.path("params").path("profile").asText("");
            StringBuilder params = new StringBuilder();
            r.path("params").properties().forEach(e -> params.append(params.isEmpty() ? "" : ", ")
                    .append(e.getKey().equals("profile") ? "" : e.getKey() + "=").append(e.getValue().asText()));
            JsonNode p = r.path("primaryMetric");
            JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
            md.append("| ").append(name).append(" | ").append(params).append(" | ")
                    .append(String.format("%.1f", p.path("score").asDouble())).append(" | ").append(p.path("scoreUnit").asText())
                    .append(" | ").append(String.format("%.1f", p.path("scoreError").asDouble())).append(" | ")
                    .append(alloc.isMissingNode() ? "(run with -prof gc)" : String.format("%.2f", alloc.path("score").asDouble()))
                    .append(" |\n");
            score.put(name + "/" + (profile.isEmpty() ? params : profile), p.path("score").asDouble());
        }
        md.append("\n## SRTP overhead over the raw JCE work (target ≤ 1.3)\n\n| profile | protect / raw | unprotect / raw |\n|---|---|---|\n");
        for (String profile : new String[] {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
            Double raw = score.get("SrtpBenchmark.rawJce/" + profile);
            Double protect = score.get("SrtpBenchmark.protect/" + profile);
            Double unprotect = score.get("SrtpBenchmark.unprotect/" + profile);
            if (raw == null || protect == null || unprotect == null) continue;
            md.append("| ").append(profile).append(" | ").append(String.format("%.2f", protect / raw)).append(" | ")
                    .append(String.format("%.2f", unprotect / raw)).append(" |\n");
        }
        md.append("\n## DAVE frames, ours over libdave in the same run (target ≤ 1.5)\n\n| direct buffers | ours / libdave |\n|---|---|\n");
        for (String op : new String[] {"encrypt", "decrypt"}) {
            Double ours = score.get("DaveFrameBenchmark." + op + "Ours/");
            Double libdave = score.get("DaveFrameBenchmark." + op + "Libdave/");
            if (ours == null || libdave == null) continue;
            md.append("| ").append(op).append(" | ").append(String.format("%.2f", ours / libdave)).append(" |\n");
        }
        md.append("\n## Sampled per-op times (SampleTime benchmarks)\n\n| benchmark | p50 | p99 | p99.9 | max | unit |\n|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            if (!"sample".equals(r.path("mode").asText())) continue;
            JsonNode pct = r.path("primaryMetric").path("scorePercentiles");
            md.append("| ").append(shortName(r));
            for (String q : new String[] {"50.0", "99.0", "99.9", "100.0"}) md.append(" | ").append(String.format("%.0f", pct.path(q).asDouble()));
            md.append(" | ").append(r.path("primaryMetric").path("scoreUnit").asText()).append(" |\n");
        }
        md.append("\n## Mixing tick over the libopus work it cannot avoid (target ≤ 1.15)\n\n| speakers | tick / rawLibopus |\n|---|---|\n");
        for (String n : new String[] {"2", "4", "8"}) {
            Double tick = score.get("MixingStageBenchmark.tick/speakers=" + n);
            Double raw = score.get("MixingStageBenchmark.rawLibopus/speakers=" + n);
            if (tick == null || raw == null) continue;
            md.append("| ").append(n).append(" | ").append(String.format("%.2f", tick / raw)).append(" |\n");
        }
        Files.writeString(out, md.toString());
        System.out.print(md);
    }

    private static String key(JsonNode r) {
        return r.path("benchmark").asText() + r.path("params");
    }

    // Class.method, without the package
    private static String shortName(JsonNode r) {
        String full = r.path("benchmark").asText();
        int method = full.lastIndexOf('.');
        return full.substring(full.lastIndexOf('.', method - 1) + 1);
    }
}
