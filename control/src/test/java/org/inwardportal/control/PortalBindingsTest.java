package org.inwardportal.control;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.signaling.SignalingServer;
import org.inwardportal.signaling.client.LightShardClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole relay in process, in local mode (real JDA against the built-in stand-in): a binding
 * made through the HTTP API joins its voice channel, a shard that connects over signaling is
 * heard in Discord and hears Discord, and after a restart the binding is back and working.
 */
class PortalBindingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Portal start(int requestsPerMinute) throws Exception {
        return start(requestsPerMinute, Map.of());
    }

    private Portal start(int requestsPerMinute, Map<String, String> more) throws Exception {
        Map<String, String> env = new HashMap<>(more);
        env.put("PORTAL_DATA_DIR", dir.toString());
        env.put("PORTAL_HTTP_PORT", "0");
        env.put("PORTAL_MEDIA_PORT", "0");
        env.put("PORTAL_SIGNALING_PORT", "0");
        env.put("PORTAL_API_REQUESTS_PER_MINUTE", Integer.toString(requestsPerMinute));
        Portal p = new Portal(ConfigLoader.load(null, env));
        p.start();
        return p;
    }

    private static void await(BooleanSupplier c, Duration t) throws InterruptedException {
        long deadline = System.nanoTime() + t.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + t);
            Thread.sleep(20);
        }
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Answer call(Portal p, String method, String path, String secret, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.http().localAddress().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) b.header("Authorization", "Bearer " + secret);
        if (contentType != null) b.header("Content-Type", contentType);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        boolean json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
        return new Answer(r.statusCode(), json && !r.body().isBlank() ? JSON.readTree(r.body()) : null, r);
    }

    private String secret() throws Exception {
        return Files.readString(dir.resolve("api-secret")).strip();
    }

    private static String bindingJson(DiscordStandIn d, String shard) {
        return JSON.createObjectNode().put("shard", shard).put("guild", Long.toString(d.world().guildId()))
                .put("voiceChannel", Long.toString(d.world().channel("World").id()))
                .put("textChannel", Long.toString(d.world().channel("world").id())).put("name", "The Lobby").toString();
    }

    private static byte[] opus(String who, int n) {
        return ("\u00fc" + who + "#" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The world's frames reach Alice in Discord, and Alice's reach the shard. */
    private static void audioFlowsBothWays(LightShardClient shard, EmulatedMember alice) throws Exception {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(opus("world", i));
            shard.peer().sendOpus(0xABC, i, 960L * i, sent.getLast(), 10);
            Thread.sleep(20);
        }
        List<Heard> heard = alice.awaitHeard(30, Duration.ofSeconds(5));
        long matching = heard.stream().filter(h -> sent.stream().anyMatch(s -> Arrays.equals(s, h.opus()))).count();
        assertThat(matching).as("world frames heard in Discord").isGreaterThanOrEqualTo(27);

        alice.speak(List.of(opus("alice", 0), opus("alice", 1), opus("alice", 2))).get(5, TimeUnit.SECONDS);
        byte[] rtp = shard.peer().receiveRtp(3000);
        assertThat(rtp).as("Alice's voice at the shard").isNotNull();
        // JDA drops a new speaker's first frames when they beat the SPEAKING message (op 5) that maps their SSRC to
        // the user (seen once under load: #2 came first); Discord does not order the two either.
        assertThat(new String(Arrays.copyOfRange(rtp, 12, rtp.length), StandardCharsets.ISO_8859_1)).matches("\u00fcalice#[0-2]");
    }

    @Test
    void aBindingMadeThroughTheApiBridgesAudioAndIsBackAfterARestart() throws Exception {
        Portal portal = start(120);
        String id;
        String token;
        try {
            DiscordStandIn d = portal.discord().standIn();
            EmulatedMember alice = d.addMember("Alice");
            alice.joinVoice(d.world().channel("World"));
            Answer created = call(portal, "POST", "/api/v1/bindings", secret(), "application/json", bindingJson(d, "alpha"));
            assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
            id = created.body().path("id").asText();
            assertThat(created.body().path("name").asText()).isEqualTo("The Lobby");
            assertThat(created.body().path("toShard").asText()).isEqualTo("per_speaker");
            await(() -> liveVoice(portal, id).equals("ready"), Duration.ofSeconds(10));

            token = new ShardTokens(portal.database().dataSource()).create("alpha");
            URI signaling = URI.create("ws://127.0.0.1:" + portal.signaling().server().port() + SignalingServer.PATH);
            try (LightShardClient shard = LightShardClient.connect(signaling, "alpha", token, Duration.ofSeconds(10))) {
                assertThat(shard.welcome().path("binding").asText()).isEqualTo(id);
                audioFlowsBothWays(shard, alice);
            }
        } finally {
            portal.stop();
        }

        Portal again = start(120);
        try {
            Answer list = call(again, "GET", "/api/v1/bindings", secret(), null, null);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body().path("bindings")).hasSize(1);
            assertThat(list.body().path("bindings").get(0).path("id").asText()).isEqualTo(id);
            await(() -> liveVoice(again, id).equals("ready"), Duration.ofSeconds(10));
            DiscordStandIn d = again.discord().standIn();
            EmulatedMember alice = d.addMember("Alice");
            alice.joinVoice(d.world().channel("World"));
            URI signaling = URI.create("ws://127.0.0.1:" + again.signaling().server().port() + SignalingServer.PATH);
            try (LightShardClient shard = LightShardClient.connect(signaling, "alpha", token, Duration.ofSeconds(10))) {
                audioFlowsBothWays(shard, alice);
            }
            Answer deleted = call(again, "DELETE", "/api/v1/bindings/" + id, secret(), null, null);
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(call(again, "GET", "/api/v1/bindings/" + id, secret(), null, null).status()).isEqualTo(404);
            await(() -> !d.voiceReady(d.world().users().stream().filter(u -> u.bot()).findFirst().orElseThrow().id()),
                    Duration.ofSeconds(5));
        } finally {
            again.stop();
        }
    }

    private String liveVoice(Portal p, String id) {
        try {
            return call(p, "GET", "/api/v1/bindings/" + id, secret(), null, null).body().path("live").path("voice").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theApiRefusesBadRequestsWithClearErrorsAndNeverLogsASecret() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Portal portal = start(40);
        try {
            DiscordStandIn d = portal.discord().standIn();
            String secret = secret();
            String body = bindingJson(d, "alpha");
            String wrong = "not-the-secret-" + System.nanoTime();

            Answer none = call(portal, "POST", "/api/v1/bindings", null, "application/json", body);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body().path("error").path("code").asText()).isEqualTo("missing_secret");
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
            Answer bad = call(portal, "POST", "/api/v1/bindings", wrong, "application/json", body);
            assertThat(bad.status()).isEqualTo(401);
            assertThat(bad.body().path("error").path("code").asText()).isEqualTo("wrong_secret");

            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json", "{\"shard\": "), 400, "malformed_json", null);
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json", "[1, 2]"), 400, "malformed_json", null);
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "text/plain", body), 415, "json_required", null);
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json", "{}"), 400, "missing_field", "shard");
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json",
                    body.replace("\"shard\":\"alpha\"", "\"shard\":\"no spaces\"")), 400, "invalid_field", "shard");
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json",
                    body.replace(Long.toString(d.world().channel("World").id()), "12345")), 400, "invalid_field", "voiceChannel");
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json",
                    body.replace(Long.toString(d.world().channel("World").id()), "abc")), 400, "invalid_field", "voiceChannel");
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json",
                    body.replace("\"guild\":\"" + d.world().guildId() + "\"", "\"guild\":\"1234\"")), 400, "invalid_field", "guild");
            assertThat(call(portal, "POST", "/api/v1/bindings", secret, "application/json", body).status()).isEqualTo(201);
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json", body), 409, "already_bound", null);
            assertError(call(portal, "POST", "/api/v1/bindings", secret, "application/json", "{\"shard\":\"" + "x".repeat(70_000) + "\"}"),
                    413, "too_large", null);
            assertError(call(portal, "PUT", "/api/v1/bindings", secret, "application/json", body), 405, "method_not_allowed", null);
            assertError(call(portal, "GET", "/api/v1/nothing-here", secret, null, null), 404, "not_found", null);
            assertError(call(portal, "DELETE", "/api/v1/bindings/b-0000", secret, null, null), 404, "unknown_binding", null);
            assertThat(call(portal, "GET", "/healthz", null, null, null).status()).as("ops endpoints stay open").isEqualTo(200);

            // The limit (40 a minute here, bursts of 40) answers 429 with Retry-After once spent.
            Answer limited = null;
            for (int i = 0; i < 60 && limited == null; i++) {
                Answer a = call(portal, "GET", "/api/v1/bindings", secret, null, null);
                if (a.status() == 429) limited = a;
            }
            assertThat(limited).as("a 429 within 60 requests").isNotNull();
            assertThat(limited.body().path("error").path("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();

            assertThat(logs.list).as("wrong secrets are logged as such").anyMatch(e -> e.getFormattedMessage().contains("wrong secret"));
            assertThat(logs.list).as("no secret in any log line").noneMatch(e -> e.getFormattedMessage().contains(wrong)
                    || e.getFormattedMessage().contains(secret));
        } finally {
            portal.stop();
            root.detachAppender(logs);
        }
    }

    private static String sign(String secret, String body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private Answer github(Portal p, String event, String signature, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.http().localAddress().getPort() + "/api/v1/hooks/github"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").header("X-GitHub-Event", event);
        if (signature != null) b.header("X-Hub-Signature-256", signature);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()), r);
    }

    @Test
    void notifyAndGithubDeliveriesPostInTheirChannelsAndBadOnesAreRefused() throws Exception {
        long text;
        Portal first = start(120);
        try {
            text = first.discord().standIn().world().channel("world").id(); // the local world keeps its ids across restarts
        } finally {
            first.stop();
        }
        String hookSecret = "webhook-secret-" + System.nanoTime();
        Portal portal = start(120, Map.of("PORTAL_API_GITHUB_SECRET", hookSecret, "PORTAL_API_GITHUB_CHANNEL", Long.toString(text)));
        try {
            DiscordStandIn d = portal.discord().standIn();
            String secret = secret();
            Answer created = call(portal, "POST", "/api/v1/bindings", secret, "application/json", bindingJson(d, "alpha"));
            String id = created.body().path("id").asText();

            Answer posted = call(portal, "POST", "/api/v1/notify", secret, "application/json",
                    "{\"binding\":\"" + id + "\",\"text\":\"Server restart at 20:00 @everyone\",\"embed\":{\"title\":\"Maintenance\","
                            + "\"url\":\"https://example.org/m\",\"fields\":[{\"name\":\"Downtime\",\"value\":\"10 min\",\"inline\":true}]}}");
            assertThat(posted.status()).as(String.valueOf(posted.body())).isEqualTo(201);
            JsonNode message = d.channelMessages(text).getLast();
            assertThat(message.path("content").asText()).isEqualTo("Server restart at 20:00 @everyone");
            assertThat(message.path("mention_everyone").asBoolean()).as("API text never pings").isFalse();
            assertThat(message.path("embeds").get(0).path("title").asText()).isEqualTo("Maintenance");
            assertThat(message.path("embeds").get(0).path("fields").get(0).path("value").asText()).isEqualTo("10 min");
            Answer byChannel = call(portal, "POST", "/api/v1/notify", secret, "application/json",
                    "{\"channel\":\"" + text + "\",\"text\":\"plain\"}");
            assertThat(byChannel.status()).isEqualTo(201);
            assertError(call(portal, "POST", "/api/v1/notify", secret, "application/json", "{\"text\":\"where?\"}"), 400, "missing_field", "channel");
            assertError(call(portal, "POST", "/api/v1/notify", secret, "application/json",
                    "{\"channel\":\"" + text + "\"}"), 400, "missing_field", "text");
            assertError(call(portal, "POST", "/api/v1/notify", secret, "application/json",
                    "{\"channel\":\"12345\",\"text\":\"x\"}"), 404, "unknown_channel", "channel");
            assertError(call(portal, "POST", "/api/v1/notify", secret, "application/json",
                    "{\"channel\":\"" + text + "\",\"embed\":{\"color\":\"red\",\"title\":\"t\"}}"), 400, "invalid_field", "embed.color");
            assertError(call(portal, "POST", "/api/v1/notify", null, "application/json", "{\"channel\":\"" + text + "\",\"text\":\"x\"}"),
                    401, "missing_secret", null);

            String run = "{\"action\":\"completed\",\"repository\":{\"full_name\":\"inward/portal\"},\"workflow_run\":{\"name\":\"CI\","
                    + "\"conclusion\":\"failure\",\"head_branch\":\"main\",\"html_url\":\"https://github.com/inward/portal/actions/runs/1\"}}";
            assertThat(github(portal, "workflow_run", sign(hookSecret, run), run).status()).isEqualTo(201);
            assertThat(d.channelMessages(text).getLast().path("content").asText())
                    .isEqualTo("❌ **CI** failure on `main` in inward/portal — <https://github.com/inward/portal/actions/runs/1>");
            String release = "{\"action\":\"published\",\"repository\":{\"full_name\":\"inward/portal\"},"
                    + "\"release\":{\"tag_name\":\"v1.0\",\"name\":\"v1.0\",\"html_url\":\"https://github.com/inward/portal/releases/v1.0\"}}";
            assertThat(github(portal, "release", sign(hookSecret, release), release).status()).isEqualTo(201);
            assertThat(d.channelMessages(text).getLast().path("content").asText()).startsWith("📦 inward/portal released **v1.0**");
            String deploy = "{\"repository\":{\"full_name\":\"inward/portal\"},\"deployment\":{\"environment\":\"production\"},"
                    + "\"deployment_status\":{\"state\":\"success\",\"target_url\":\"https://portal.example.org\"}}";
            assertThat(github(portal, "deployment_status", sign(hookSecret, deploy), deploy).status()).isEqualTo(201);
            assertThat(d.channelMessages(text).getLast().path("content").asText()).contains("🚀", "**production** succeeded");
            int before = d.channelMessages(text).size();
            String queued = run.replace("completed", "requested");
            assertThat(github(portal, "workflow_run", sign(hookSecret, queued), queued).status()).as("a run that has not finished").isEqualTo(202);
            assertThat(github(portal, "ping", sign(hookSecret, "{}"), "{}").status()).isEqualTo(200);
            assertThat(github(portal, "workflow_run", sign("wrong-secret", run), run).status()).isEqualTo(401);
            assertThat(github(portal, "workflow_run", null, run).body().path("error").path("code").asText()).isEqualTo("bad_signature");
            assertThat(github(portal, "workflow_run", sign(hookSecret, run), run + " ").status()).as("signature over other bytes").isEqualTo(401);
            assertThat(github(portal, "workflow_run", sign(hookSecret, "{oops"), "{oops").status()).isEqualTo(400);
            assertThat(d.channelMessages(text)).hasSize(before);
        } finally {
            portal.stop();
        }
    }

    private static void assertError(Answer a, int status, String code, String field) {
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(status);
        assertThat(a.body().path("error").path("code").asText()).isEqualTo(code);
        assertThat(a.body().path("error").path("message").asText()).isNotBlank();
        if (field != null) assertThat(a.body().path("error").path("field").asText()).isEqualTo(field);
    }
}
