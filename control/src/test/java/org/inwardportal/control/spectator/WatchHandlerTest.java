package org.inwardportal.control.spectator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.control.ops.OpsHttpServer;
import org.inwardportal.control.ops.OpsRoutes;
import org.inwardportal.signaling.Invites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spectator page's routes on the real HTTP server: statuses, content types, caching and security headers. */
class WatchHandlerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final Invites invites = new Invites(new byte[32], Clock.systemUTC());
    private final AtomicReference<Invites> current = new AtomicReference<>(invites);
    private OpsHttpServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = new OpsHttpServer("127.0.0.1", 0, new OpsRoutes(() -> Map.of("http", Health.ready("")), () -> true, () -> ""));
        server.spectatorPage(new WatchHandler(current::get, new SignalingAddress(null, false, () -> 8481)));
        server.start();
        base = "http://127.0.0.1:" + server.localAddress().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(Duration.ofSeconds(2));
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }

    @Test
    void aValidInviteGetsThePlayerWithTheSignalingUrlAndStrictHeaders() throws Exception {
        String invite = invites.issue("binding-1", "1001", "Alice", Duration.ofHours(1));
        HttpResponse<String> r = send("GET", "/watch/" + invite);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(r, "Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(r, "X-Frame-Options")).isEqualTo("DENY");
        assertThat(header(r, "Permissions-Policy")).contains("microphone=(self)");
        String csp = header(r, "Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src ws://127.0.0.1:8481",
                "frame-ancestors 'none'", "base-uri 'none'").doesNotContain("unsafe");
        assertThat(r.body()).contains("<meta name=\"portal-signaling\" content=\"ws://127.0.0.1:8481/signal\">",
                "data-state=\"ok\"", "Click to listen", "Hold to talk");
        // no inline script or style: the policy above would block it
        assertThat(r.body()).doesNotContain("<script>", "style=", "onclick");
    }

    @Test
    void expiredForgedAndMalformedInvitesGetAClearPageAndStatus() throws Exception {
        HttpResponse<String> expired = send("GET", "/watch/" + invites.issue("binding-1", "1001", "Alice", Duration.ofSeconds(-5)));
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("data-state=\"expired\"", "This link has expired", "/portal invite");

        String good = invites.issue("binding-1", "1001", "Alice", Duration.ofHours(1));
        String forgedSignature = good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA");
        String otherKey = new Invites("k".repeat(32).getBytes(StandardCharsets.UTF_8), Clock.systemUTC())
                .issue("binding-1", "1001", "Alice", Duration.ofHours(1));
        String expiredByOtherKey = new Invites("k".repeat(32).getBytes(StandardCharsets.UTF_8), Clock.systemUTC())
                .issue("binding-1", "1001", "Alice", Duration.ofSeconds(-5));
        for (String bad : new String[] {forgedSignature, otherKey, expiredByOtherKey, "not-an-invite", "a.b"}) {
            HttpResponse<String> r = send("GET", "/watch/" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(403);
            assertThat(r.body()).as(bad).contains("data-state=\"invalid\"", "This link does not work");
            assertThat(header(r, "Content-Security-Policy")).contains("connect-src 'none'");
            assertThat(r.body()).contains("<meta name=\"portal-signaling\" content=\"\">");
        }
    }

    @Test
    void theTopicLinkExplainsHowToGetAPersonalLinkAndAdmitsNobody() throws Exception {
        HttpResponse<String> r = send("GET", "/watch/b/binding-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data-state=\"channel_link\"", "/portal invite").doesNotContain("ws://");
        assertThat(header(r, "Content-Security-Policy")).contains("connect-src 'none'");
    }

    @Test
    void assetsAreServedWithTheirTypesAndCachedForGood() throws Exception {
        String page = send("GET", "/watch/b/x").body();
        Map<String, String> types = Map.of("js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
        Matcher m = Pattern.compile("/watch/assets/[a-z]+\\.[0-9a-f]{8}\\.(js|css|svg)").matcher(page);
        int found = 0;
        while (m.find()) {
            found++;
            HttpResponse<String> a = send("GET", m.group());
            assertThat(a.statusCode()).as(m.group()).isEqualTo(200);
            assertThat(header(a, "Content-Type")).isEqualTo(types.get(m.group(1)));
            assertThat(header(a, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(header(a, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(a.body()).isNotBlank();
        }
        assertThat(found).isEqualTo(3);
        assertThat(send("GET", "/watch/assets/watch.00000000.js").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/watch/assets/../../etc/passwd").statusCode()).isEqualTo(404);
    }

    @Test
    void otherPathsMethodsAndHeadAreAnsweredSensibly() throws Exception {
        assertThat(send("GET", "/watch").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/watch/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/watch/a/b").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/watch/b/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/watch/x");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(header(post, "Allow")).isEqualTo("GET, HEAD");
        HttpResponse<String> head = send("HEAD", "/watch/b/x");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(header(head, "Content-Type")).startsWith("text/html");
        // the ops routes behind it still answer
        assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/watchtower").statusCode()).isEqualTo(404);
        assertThat(header(send("GET", "/watchtower"), "Content-Type")).isEqualTo("application/json");

        current.set(null); // signaling not started yet
        HttpResponse<String> starting = send("GET", "/watch/" + invites.issue("b", "1", "A", Duration.ofHours(1)));
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(header(starting, "Retry-After")).isEqualTo("5");
    }

    @Test
    void aHostileHostHeaderIsNeverEchoedIntoThePage() throws Exception {
        String invite = invites.issue("binding-1", "1001", "Alice", Duration.ofHours(1));
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /watch/" + invite + " HTTP/1.1\r\nHost: x\"><script>alert(1)</script>\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").contains("content=\"ws://localhost:8481/signal\"").doesNotContain("alert(1)");
        }
        assertThat(SignalingAddress.hostName("relay.example:8480")).isEqualTo("relay.example");
        assertThat(SignalingAddress.hostName("[::1]:8480")).isEqualTo("[::1]");
        assertThat(SignalingAddress.hostName(null)).isEqualTo("localhost");
        assertThat(new SignalingAddress("wss://relay.example/signal", true, () -> 1).url("other")).isEqualTo("wss://relay.example/signal");
        assertThat(SignalingAddress.origin("wss://relay.example/signal")).isEqualTo("wss://relay.example");
    }
}
