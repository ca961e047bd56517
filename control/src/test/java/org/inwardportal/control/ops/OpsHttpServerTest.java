package org.inwardportal.control.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.control.metrics.PortalMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {
    private final AtomicReference<Health> dbHealth = new AtomicReference<>(Health.starting());
    private final PortalMetrics metrics = new PortalMetrics();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private OpsHttpServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = new OpsHttpServer("127.0.0.1", 0, new OpsRoutes(
                () -> {
                    Map<String, Health> m = new LinkedHashMap<>();
                    m.put("database", dbHealth.get());
                    m.put("http", server.health());
                    return m;
                },
                () -> dbHealth.get().state().ready() && server.health().state().ready(),
                metrics::scrape));
        server.start();
        base = "http://127.0.0.1:" + server.localAddress().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(Duration.ofSeconds(2));
        metrics.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzAnswersWhileAlive() throws Exception {
        HttpResponse<String> r = send("GET", "/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzFollowsTheComponents() throws Exception {
        HttpResponse<String> notYet = send("GET", "/readyz");
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).contains("\"ready\":false", "\"database\":{\"state\":\"starting\"}");

        dbHealth.set(Health.ready("sqlite data/portal.db, schema v1"));
        HttpResponse<String> ready = send("GET", "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(ready.body()).contains("\"ready\":true", "\"detail\":\"sqlite data/portal.db, schema v1\"", "\"http\":{\"state\":\"ready\"");

        dbHealth.set(Health.failed("connection refused"));
        assertThat(send("GET", "/readyz").statusCode()).isEqualTo(503);
    }

    @Test
    void metricsArePrometheusTextWithJvmGcAndNettyAllocator() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(OpsHttpHandler.PROMETHEUS_TEXT);
        assertThat(r.body()).contains("# TYPE jvm_memory_used_bytes gauge", "jvm_gc_", "jvm_threads_live_threads",
                "process_cpu_usage", "netty_allocator_memory_used", "application=\"inward-portal\"");
    }

    @Test
    void wrongMethodsPathsAndHeadRequests() throws Exception {
        HttpResponse<String> post = send("POST", "/healthz");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        HttpResponse<String> missing = send("GET", "/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no such path: /nope");
        HttpResponse<String> head = send("HEAD", "/healthz");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void garbageAndOversizedRequestsGetAClearErrorAndTheServerKeepsWorking() throws Exception {
        assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request").contains("malformed HTTP request");
        assertThat(raw("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 4");
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        raw(new String(noise, StandardCharsets.ISO_8859_1) + "\r\n\r\n");
        String big = raw("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " + (OpsHttpServer.MAX_REQUEST_BYTES + 1) + "\r\n\r\n");
        assertThat(big).startsWith("HTTP/1.1 413");
        assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
    }

    /** Sends raw bytes, half-closes, and returns what the server answered before closing. */
    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return ""; // the server may reset a connection that sent noise; what matters is that it lives on
        }
    }
}
