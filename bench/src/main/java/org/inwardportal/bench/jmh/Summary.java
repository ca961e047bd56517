package org.inwardportal.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns JMH's JSON results into bench/results/jmh-summary.md: scores, allocation per op, the SRTP/JCE ratios. */
public final class Summary {
    private Summary() {
    }

    public static void main(String[] args) throws Exception {
        Path json = Path.of(args[0]);
        Path out = Path.of(args[1]);
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        StringBuilder md = new StringBuilder("# JMH results\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(Runtime.version()).append(". Raw data: `").append(json.getFileName()).append("`.\n\n");
        md.append("| benchmark | profile | score | unit | ± error | bytes allocated / op |\n|---|---|---|---|---|---|\n");
        Map<String, Double> score = new LinkedHashMap<>();
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText().replace("org.inwardportal.bench.jmh.", "");
            String profile = r.path("params").path("profile").asText("");
            JsonNode p = r.path("primaryMetric");
            JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
            md.append("| ").append(name).append(" | ").append(profile).append(" | ")
                    .append(String.format("%.1f", p.path("score").asDouble())).append(" | ").append(p.path("scoreUnit").asText())
                    .append(" | ").append(String.format("%.1f", p.path("scoreError").asDouble())).append(" | ")
                    .append(alloc.isMissingNode() ? "(run with -prof gc)" : String.format("%.2f", alloc.path("score").asDouble()))
                    .append(" |\n");
            score.put(name + "/" + profile, p.path("score").asDouble());
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
        Files.writeString(out, md.toString());
        System.out.print(md);
    }
}
