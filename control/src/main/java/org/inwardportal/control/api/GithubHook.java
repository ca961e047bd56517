package org.inwardportal.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.inwardportal.control.config.Secret;

/**
 * GitHub webhook deliveries: the signature ({@code X-Hub-Signature-256: sha256=<hex>}, HMAC-SHA256
 * of the raw body with the webhook's secret, compared in constant time), and the events that become
 * one short line in the configured channel: finished workflow runs, final deployment states,
 * published releases.
 */
public final class GithubHook {
    private final byte[] key;
    private final long channel;

    public GithubHook(Secret secret, long channel) {
        this.key = secret.reveal().getBytes(StandardCharsets.UTF_8);
        this.channel = channel;
    }

    public long channel() {
        return channel;
    }

    boolean verify(byte[] body, String header) {
        if (header == null || !header.startsWith("sha256=")) return false;
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return MessageDigest.isEqual(expected, header.substring(7).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** The line to post for an event, or empty when the event (or its stage) is not one to post. */
    static Optional<String> describe(String event, JsonNode b) {
        String repo = b.path("repository").path("full_name").asText("?");
        switch (event) {
            case "workflow_run" -> {
                JsonNode run = b.path("workflow_run");
                if (!b.path("action").asText().equals("completed")) return Optional.empty();
                String conclusion = run.path("conclusion").asText("unknown");
                String mark = switch (conclusion) {
                    case "success" -> "✅";
                    case "failure", "timed_out" -> "❌";
                    default -> "⚪";
                };
                return Optional.of(mark + " **" + run.path("name").asText("workflow") + "** " + conclusion.replace('_', ' ') + " on `"
                        + run.path("head_branch").asText("?") + "` in " + repo + link(run.path("html_url")));
            }
            case "deployment_status" -> {
                String state = b.path("deployment_status").path("state").asText();
                if (!state.equals("success") && !state.equals("failure") && !state.equals("error")) return Optional.empty();
                String environment = b.path("deployment").path("environment").asText("?");
                JsonNode url = b.path("deployment_status").path("environment_url").isTextual()
                        ? b.path("deployment_status").path("environment_url") : b.path("deployment_status").path("target_url");
                return Optional.of((state.equals("success") ? "🚀" : "❌") + " Deployment of " + repo + " to **" + environment + "** "
                        + (state.equals("success") ? "succeeded" : "failed") + link(url));
            }
            case "release" -> {
                if (!b.path("action").asText().equals("published")) return Optional.empty();
                JsonNode r = b.path("release");
                return Optional.of("📦 " + repo + " released **" + r.path("name").asText(r.path("tag_name").asText("?")) + "**"
                        + link(r.path("html_url")));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static String link(JsonNode url) {
        return url.isTextual() && url.asText().matches("https?://\\S+") ? " — <" + url.asText() + ">" : "";
    }
}
