package org.inwardportal.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged daemon as ops run it: a real process, real ports, real signals. */
class PortalDaemonIT {
    private static final Duration START = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withNoConfigurationItStartsInLocalModeAnswersOpsEndpointsAndStopsCleanlyOnSigterm() throws Exception {
        // Only the port is chosen (0 = free port), so parallel runs never collide; everything else is default.
        try (PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", "0", "PORTAL_MEDIA_PORT", "0", "PORTAL_SIGNALING_PORT", "0"), "run")) {
            Matcher m = p.awaitStdout("http listening on http://127\\.0\\.0\\.1:(\\d+)", START);
            int port = Integer.parseInt(m.group(1));
            p.awaitStdout("RunCommand .*\\] ready: ", START);
            assertThat(p.stdout()).contains("in local mode");

            assertThat(get(port, "/healthz").body()).isEqualTo("ok\n");
            HttpResponse<String> ready = get(port, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ready\":true", "\"database\"", "sqlite data/portal.db",
                    "\"discord\":{\"state\":\"ready\",\"detail\":\"local stand-in; local: ready\"}",
                    "\"media\":{\"state\":\"ready\",\"detail\":\"udp 127.0.0.1:");
            String metrics = get(port, "/metrics").body();
            assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_gc_", "netty_allocator_memory_used", "hikaricp_connections",
                    "relay_endpoint_dropped_total{application=\"inward-portal\",reason=\"garbage\"}");
            assertThat(Files.isRegularFile(dir.resolve("data/portal.db"))).as("embedded store under ./data").isTrue();

            p.terminate();
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(p.stdout()).as(p.stderr()).contains("SIGTERM received").containsPattern("(?m)RunCommand .*\\] stopped\\s*$");
        }
    }

    @Test
    void ctrlCStopsCleanlyToo() throws Exception {
        try (PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", "0", "PORTAL_MEDIA_PORT", "0", "PORTAL_SIGNALING_PORT", "0"), "run")) {
            p.awaitStdout("RunCommand .*\\] ready: ", START);
            p.signal("INT");
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(p.stdout()).contains("SIGINT received").contains("stopped");
        }
    }

    /** What scripts/run shows a newcomer: the demo's world and members heard each way, in the packaged daemon. */
    @Test
    void localModeWithTheDemoShowsAudioMovingBothWaysAndStopsCleanly() throws Exception {
        try (PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", "0", "PORTAL_MEDIA_PORT", "0", "PORTAL_SIGNALING_PORT", "0",
                "PORTAL_LOCAL_DEMO", "true"), "run")) {
            p.awaitStdout("local demo running", START);
            // a status line with the world's frames reaching Discord and members' frames reaching the world, where its libwebrtc played them
            p.awaitStdout("demo · voice ready · shard connected · .*world→Discord [1-9]\\d*/[1-9]\\d* .*Discord→world [1-9]\\d*/[1-9]\\d* .*members heard [1-9].* world heard (?!0\\.0 )",
                    Duration.ofSeconds(90)); // members talk in spurts with pauses; a child JVM and libwebrtc start first
            assertThat(p.stdout()).contains("spectators   http://127.0.0.1:").doesNotContain("ips_"); // a link, never the API secret
            // the world runs in a JVM of its own (libwebrtc); Ctrl-C in a terminal reaches both, and the relay decides
            List<ProcessHandle> children = ProcessHandle.of(p.javaPid()).orElseThrow().children().toList();
            assertThat(children).as("the demo world's process").hasSize(1);
            ProcessHandle world = children.getFirst();
            new ProcessBuilder("kill", "-INT", String.valueOf(world.pid())).inheritIO().start().waitFor();
            p.signal("INT");
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(p.stdout()).contains("stopped").doesNotContain("world's shard process exited");
            assertThat(world.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS).isAlive()).as("no orphan world process").isFalse();
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineAndSecretsNeverAppear() throws Exception {
        Path cfg = dir.resolve("portal.yaml");
        Files.writeString(cfg, """
                http:
                  port: 0
                media:
                  port: 0
                signaling:
                  port: 0
                api:
                  secret: do-not-log-this-secret-123
                log:
                  format: json
                """);
        try (PortalProcess p = new PortalProcess(dir, Map.of(), "run", "--config", cfg.toString())) {
            p.awaitStdout("\"formattedMessage\":\"ready: ", START);
            p.terminate();
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isZero();
            ObjectMapper json = new ObjectMapper();
            String out = p.stdout();
            assertThat(out.lines().count()).isGreaterThanOrEqualTo(4);
            for (String line : out.lines().toList()) {
                JsonNode event = json.readTree(line);
                assertThat(event.has("level") && event.has("formattedMessage")).as(line).isTrue();
            }
            assertThat(out + p.stderr()).doesNotContain("do-not-log-this-secret-123");
        }
    }

    @Test
    void invalidConfigurationStopsStartupWithOneLineAndExitCode2() throws Exception {
        try (PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", "99999"), "run")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.stderr()).isEqualTo(
                    "portal: configuration error: http.port: must be a port number (0-65535), got 99999 (from PORTAL_HTTP_PORT)");
            assertThat(p.stdout()).isEmpty();
        }
        try (PortalProcess p = new PortalProcess(dir, Map.of(), "run", "--config", "missing.yaml")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.stderr()).isEqualTo("portal: configuration error: config file missing.yaml: does not exist");
        }
    }

    @Test
    void aPortInUseFailsStartupWithOneClearLine() throws Exception {
        try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", String.valueOf(busy.getLocalPort()), "PORTAL_MEDIA_PORT", "0", "PORTAL_SIGNALING_PORT", "0"), "run")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.stdout()).containsPattern("ERROR .*http failed to start: cannot listen on 127\\.0\\.0\\.1:" + busy.getLocalPort());
            assertThat(p.stdout()).doesNotContain("\tat ");
        }
    }

    @Test
    void withATokenButNoDaveImplementationItRefusesToConnectToDiscordAndSaysWhy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.inwardportal.discord.voice.DaveSupport.probe().available(),
                "libdave loads on this host: the refusal cannot happen here");
        try (PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", "0", "PORTAL_MEDIA_PORT", "0", "PORTAL_SIGNALING_PORT", "0",
                "PORTAL_DISCORD_TOKENS", "secret-bot-token-1", "PORTAL_DAVE", "libdave"), "run")) {
            assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(p.stdout()).containsPattern("ERROR .*discord failed to start: cannot connect to Discord, which requires"
                    + " end-to-end voice encryption \\(DAVE\\).*glibc >= 2\\.38")
                    .doesNotContain("secret-bot-token-1");
        }
    }

    @Test
    void configCheckPrintsEffectiveValuesWithSecretsRedacted() throws Exception {
        try (PortalProcess p = new PortalProcess(dir, Map.of("PORTAL_API_SECRET", "env-secret-0123456789",
                "PORTAL_DISCORD_TOKENS", "tok-aaaa,tok-bbbb",
                "PORTAL_DATABASE_URL", "postgresql://relay:pw-in-url@db:5432/portal"), "config", "check")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(p.stdout()).contains("configuration OK")
                    .containsPattern("api\\.secret +=? <redacted> +\\(PORTAL_API_SECRET\\)")
                    .contains("postgresql://relay:<redacted>@db:5432/portal")
                    .containsPattern("http\\.port +=? 8480 +\\(default\\)")
                    .containsPattern("discord\\.tokens +=? 2 x <redacted>")
                    .doesNotContain("env-secret-0123456789", "pw-in-url", "tok-aaaa", "tok-bbbb");
        }
    }

    @Test
    void aShardTokenCreatedWithTheCliLetsTheShardInAndRevokingItKeepsTheNextConnectionOut() throws Exception {
        String token;
        try (PortalProcess p = new PortalProcess(dir, Map.of(), "token", "create", "--shard", "alpha")) {
            assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
            token = p.stdout().lines().filter(l -> l.startsWith("ipt_")).findFirst().orElseThrow();
        }
        try (PortalProcess p = new PortalProcess(dir, Map.of(), "token", "list")) {
            assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(p.stdout()).contains("alpha").doesNotContain(token);
        }
        try (PortalProcess daemon = new PortalProcess(dir, Map.of("PORTAL_HTTP_PORT", "0", "PORTAL_MEDIA_PORT", "0",
                "PORTAL_SIGNALING_PORT", "0"), "run")) {
            int port = Integer.parseInt(daemon.awaitStdout("signaling on ws://127\\.0\\.0\\.1:(\\d+)/signal", START).group(1));
            daemon.awaitStdout("RunCommand .*\\] ready: ", START);
            assertThat(hello(port, "alpha", token)).isEqualTo("welcome");
            try (PortalProcess p = new PortalProcess(dir, Map.of(), "token", "revoke", "--shard", "alpha")) {
                assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
            }
            assertThat(hello(port, "alpha", token)).isEqualTo("closed 4003");
            assertThat(daemon.stdout()).doesNotContain(token);
            daemon.terminate();
            assertThat(daemon.awaitExit(Duration.ofSeconds(20))).isZero();
        }
    }

    @Test
    void afterKillDashNineARestartRejoinsEveryBoundVoiceChannel() throws Exception {
        Map<String, String> env = Map.of("PORTAL_HTTP_PORT", "0", "PORTAL_MEDIA_PORT", "0", "PORTAL_SIGNALING_PORT", "0");
        String id;
        try (PortalProcess p = new PortalProcess(dir, env, "run")) {
            int port = Integer.parseInt(p.awaitStdout("http listening on http://127\\.0\\.0\\.1:(\\d+)", START).group(1));
            Matcher ids = p.awaitStdout("guild 'Inward Portal Test' \\(id (\\d+)\\), channels .*voice World \\(id (\\d+)\\)", START);
            p.awaitStdout("RunCommand .*\\] ready: ", START);
            String secret = Files.readString(dir.resolve("data/api-secret")).strip();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/bindings"))
                    .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"shard\":\"alpha\",\"guild\":\"" + ids.group(1)
                            + "\",\"voiceChannel\":\"" + ids.group(2) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            id = new ObjectMapper().readTree(created.body()).path("id").asText();
            awaitVoice(port, secret, id, "ready");
            p.signal("KILL");
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(128 + 9);
            assertThat(p.stdout()).as("no clean stop after kill -9").doesNotContainPattern("RunCommand .*\\] stopped");
        }
        try (PortalProcess p = new PortalProcess(dir, env, "run")) {
            int port = Integer.parseInt(p.awaitStdout("http listening on http://127\\.0\\.0\\.1:(\\d+)", START).group(1));
            p.awaitStdout("RunCommand .*\\] ready: ", START);
            String secret = Files.readString(dir.resolve("data/api-secret")).strip();
            awaitVoice(port, secret, id, "ready"); // the bot is back in the bound channel, waiting for the shard
            assertThat(get(port, "/readyz").body()).contains("\"bindings\":{\"state\":\"ready\",\"detail\":\"1 open\"}");
            p.terminate();
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isZero();
        }
    }

    private void awaitVoice(int port, String secret, String id, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/bindings/" + id))
                    .header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
            last = r.body();
            if (r.statusCode() == 200 && new ObjectMapper().readTree(last).path("live").path("voice").asText().equals(state)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("binding " + id + " not " + state + " within 20 s: " + last);
    }

    /** Says hello on a fresh signaling connection; returns the answer's type, or "closed CODE". */
    private static String hello(int port, String shard, String token) throws Exception {
        java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/signal"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        try {
                            result.complete(new ObjectMapper().readTree(data.toString()).path("type").asText());
                        } catch (Exception e) {
                            result.completeExceptionally(e);
                        }
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                        result.complete("closed " + code);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"hello\",\"v\":1,\"role\":\"shard\",\"shard\":\"" + shard + "\",\"token\":\"" + token + "\"}", true);
        try {
            return result.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    @Test
    void versionNamesTheBuild() throws Exception {
        try (PortalProcess p = new PortalProcess(dir, Map.of(), "version")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(p.stdout()).startsWith("portal " + System.getProperty("portal.version", ""))
                    .containsPattern("java 25")
                    .contains("transport ");
        }
    }
}
