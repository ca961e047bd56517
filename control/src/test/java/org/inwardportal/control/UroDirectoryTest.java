package org.inwardportal.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Interaction;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.relay.binding.BindingPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Player counts from a Uro-style shard directory (a local HTTP server serving its JSON) for a world
 * whose shard is not connected: the bot's status, /portal status and the "is open" notice follow
 * it, and a broken directory changes nothing until it answers again.
 */
class UroDirectoryTest {
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + T);
            Thread.sleep(20);
        }
    }

    private static String directory(int users) {
        return "{\"data\":{\"shards\":[{\"name\":\"alpha\",\"map\":\"Plaza\",\"address\":\"192.0.2.7\",\"port\":7000,"
                + "\"current_users\":" + users + ",\"max_users\":16},{\"name\":\"unbound\",\"map\":\"x\",\"address\":\"192.0.2.8\","
                + "\"port\":7001,\"current_users\":9,\"max_users\":9}]}}";
    }

    @Test
    void aListedWorldsCountsReachStatusPresenceAndNotifications() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>(directory(0));
        HttpServer uro = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        uro.createContext("/api/v1/shards", ex -> {
            byte[] b = answer.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        uro.start();
        Map<String, String> env = new HashMap<>();
        env.put("PORTAL_DATA_DIR", dir.toString());
        env.put("PORTAL_HTTP_PORT", "0");
        env.put("PORTAL_MEDIA_PORT", "0");
        env.put("PORTAL_SIGNALING_PORT", "0");
        env.put("PORTAL_DISCORD_STATUS_INTERVAL", "1s");
        env.put("PORTAL_URO_URL", "http://127.0.0.1:" + uro.getAddress().getPort());
        env.put("PORTAL_URO_INTERVAL", "200ms");
        Portal portal = new Portal(ConfigLoader.load(null, env));
        try {
            portal.start();
            DiscordStandIn d = portal.discord().standIn();
            StandInWorld.GuildChannel text = d.world().channel("world");
            new ShardTokens(portal.database().dataSource()).create("alpha");
            portal.bindings().create(new Binding(portal.bindings().store().newId(), d.world().guildId(), d.world().channel("World").id(),
                    text.id(), "alpha", "Plaza World", BindingPipeline.ToShard.PER_SPEAKER, true, true, "test", Instant.now()));
            long bot = d.world().users().stream().filter(StandInWorld.User::bot).findFirst().orElseThrow().id();
            await(() -> !d.presenceUpdates(bot).isEmpty() && d.presenceUpdates(bot).getLast().contains("0 players in 1 world"));

            answer.set(directory(3));
            await(() -> d.presenceUpdates(bot).getLast().contains("3 players in 1 world"));
            await(() -> d.channelMessages(text.id()).stream().anyMatch(m -> m.path("content").asText().contains("**Plaza World** is open: 3 players")));
            EmulatedMember ann = d.addMember("Ann");
            Interaction status = ann.slash(text, "portal", "status", Map.of());
            status.awaitResponse(1, T);
            assertThat(status.replyText()).contains("World: alpha (Plaza), 3/16 players");

            answer.set("{\"data\": 42}"); // broken: nothing changes, the poller retries
            Thread.sleep(600);
            assertThat(portal.bindings().roomState("alpha").count()).isEqualTo(3);
            answer.set(directory(5));
            await(() -> portal.bindings().roomState("alpha").count() == 5);
            assertThat(portal.daemon().health().get("uro").detail()).contains("2 shards listed");
        } finally {
            portal.stop();
            uro.stop(0);
        }
    }
}
