package org.inwardportal.control.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Player counts from a Uro-style shard directory, for worlds that do not (or not yet) report
 * {@code room.state} themselves: {@code GET {base}/api/v1/shards} answering
 * {@code {"data":{"shards":[{"name","map","address","port","current_users","max_users"}]}}}, polled
 * every interval. A directory entry belongs to the binding whose shard id (or display name) is its
 * {@code name}. A failing or malformed directory is logged once per streak and retried; it never
 * stops the relay.
 */
public final class UroPoller implements Component {
    private static final Logger log = LoggerFactory.getLogger(UroPoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BODY = 1 << 20;

    /** One world as the directory lists it. */
    public record Listed(String name, String map, int currentUsers, int maxUsers) {
    }

    private final URI shards;
    private final Duration interval;
    private final BindingService bindings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ScheduledExecutorService timer;
    private volatile Health health = Health.starting();
    private volatile boolean failing;

    public UroPoller(URI base, Duration interval, BindingService bindings) {
        String b = base.toString();
        this.shards = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/api/v1/shards");
        this.interval = interval;
        this.bindings = bindings;
    }

    @Override
    public String name() {
        return "uro";
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uro-poller");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        health = Health.ready("polling " + shards + " every " + interval.toSeconds() + " s");
    }

    void poll() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(shards).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
            if (r.body().length() > MAX_BODY) throw new IllegalStateException("answer over " + MAX_BODY + " bytes");
            List<Listed> listed = parse(r.body());
            bindings.directory(listed);
            if (failing) log.info("shard directory {} answers again ({} shards)", shards, listed.size());
            failing = false;
            health = Health.ready(listed.size() + " shards listed at " + shards);
        } catch (Exception e) {
            if (!failing) log.warn("shard directory {}: {}; retrying every {} s", shards, e.getMessage(), interval.toSeconds());
            failing = true;
            health = Health.ready("directory " + shards + " not answering: " + e.getMessage()); // counts are extra, the relay works on
        }
    }

    /** The directory's answer, checked: a clear exception for anything not in its shape. */
    static List<Listed> parse(String body) throws java.io.IOException {
        JsonNode list = JSON.readTree(body).path("data").path("shards");
        if (!list.isArray()) throw new IllegalStateException("no data.shards list in the answer");
        List<Listed> out = new ArrayList<>();
        for (JsonNode s : list) {
            if (!s.path("name").isTextual()) throw new IllegalStateException("a shard without a name");
            int current = s.path("current_users").asInt(-1);
            if (current < 0) throw new IllegalStateException("shard " + s.path("name").asText() + " has no current_users");
            out.add(new Listed(s.get("name").asText(), s.path("map").isTextual() ? s.get("map").asText() : null, current,
                    Math.max(0, s.path("max_users").asInt(0))));
        }
        return out;
    }

    /** Whether a directory entry names this binding. */
    static boolean names(Listed l, Binding b) {
        String n = l.name().toLowerCase(Locale.ROOT);
        return n.equals(b.shard().toLowerCase(Locale.ROOT)) || n.equals(b.displayName().toLowerCase(Locale.ROOT));
    }

    @Override
    public void stop(Duration budget) {
        if (timer != null) timer.shutdownNow();
        health = Health.stopped();
    }

    @Override
    public Health health() {
        return health;
    }
}
