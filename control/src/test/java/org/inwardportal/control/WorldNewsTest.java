package org.inwardportal.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
import org.inwardportal.signaling.SignalingServer;
import org.inwardportal.signaling.client.LightShardClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bound world and its text channel, the whole relay in process (real JDA, the stand-in, a light
 * shard over signaling), on a simulated clock: the "is open" notice and DMs once per idle window,
 * chat both ways, and a deleted text channel.
 */
class WorldNewsTest {
    private static final Duration T = Duration.ofSeconds(10);

    /** A clock the test moves on. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-21T12:00:00Z"));

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    @TempDir
    Path dir;
    private final MovableClock clock = new MovableClock();
    private Portal portal;
    private DiscordStandIn d;
    private StandInWorld.GuildChannel text;
    private Binding binding;
    private LightShardClient shard;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PORTAL_DATA_DIR", dir.toString());
        env.put("PORTAL_HTTP_PORT", "0");
        env.put("PORTAL_MEDIA_PORT", "0");
        env.put("PORTAL_SIGNALING_PORT", "0");
        env.put("PORTAL_DISCORD_STATUS_INTERVAL", "1s");
        portal = new Portal(ConfigLoader.load(null, env), clock);
        portal.start();
        d = portal.discord().standIn();
        text = d.world().channel("world");
        String token = new ShardTokens(portal.database().dataSource()).create("alpha");
        binding = new Binding(portal.bindings().store().newId(), d.world().guildId(), d.world().channel("World").id(), text.id(),
                "alpha", "Lobby World", BindingPipeline.ToShard.PER_SPEAKER, true, true, "test", Instant.now());
        portal.bindings().create(binding);
        shard = LightShardClient.connect(URI.create("ws://127.0.0.1:" + portal.signaling().server().port() + SignalingServer.PATH),
                "alpha", token, T);
    }

    @AfterEach
    void stop() {
        if (shard != null) shard.close();
        portal.stop();
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + T);
            Thread.sleep(20);
        }
    }

    /** The shard reports its players; returns once the relay has taken it in (so the clock may move on). */
    private void report(Map<String, String> players) throws InterruptedException {
        Object before = portal.bindings().roomState("alpha");
        shard.roomState("Lobby", players);
        await(() -> {
            var now = portal.bindings().roomState("alpha");
            return now != null && now != before && now.count() == players.size();
        });
    }

    private List<String> posted() {
        return d.channelMessages(text.id()).stream().map(m -> m.path("content").asText()).toList();
    }

    private long openings() {
        return posted().stream().filter(p -> p.contains("is open")).count();
    }

    @Test
    void emptyToOccupiedIsAnnouncedOncePerIdleWindowWithDirectMessagesToThoseWhoAsked() throws Exception {
        EmulatedMember ann = d.addMember("Ann");
        EmulatedMember ben = d.addMember("Ben");
        Interaction on = null;
        long deadline = System.nanoTime() + T.toNanos();
        while (on == null) {
            try {
                on = ann.slash(text, "portal", "notify", Map.of("state", "on"));
            } catch (IllegalStateException notYetRegistered) {
                if (System.nanoTime() > deadline) throw notYetRegistered;
                Thread.sleep(50);
            }
        }
        on.awaitResponse(1, T);
        assertThat(on.ephemeral()).isTrue();
        assertThat(on.replyText()).contains("direct message", "Lobby World");

        report(Map.of("p1", "Ana", "p2", "Bo_b"));
        await(() -> openings() == 1);
        assertThat(posted()).anyMatch(p -> p.contains("**Lobby World** is open: 2 players") && p.contains("Bo\\_b"));
        await(() -> ann.directMessages().size() == 1);
        assertThat(ann.directMessages().getFirst().path("content").asText()).contains("Lobby World", "is open");

        // Empty for 10 minutes, then occupied again: within the idle window, so no second notice.
        report(Map.of());
        clock.advance(Duration.ofMinutes(10));
        report(Map.of("p1", "Ana"));
        // ... and then 61 empty minutes make it fresh again.
        report(Map.of());
        clock.advance(Duration.ofMinutes(61));
        report(Map.of("p3", "Cy"));
        await(() -> openings() == 2);
        assertThat(posted().stream().filter(p -> p.contains("is open")).toList().getLast()).contains("1 player (Cy)");
        await(() -> ann.directMessages().size() == 2);
        assertThat(ben.directMessages()).as("Ben did not ask").isEmpty();

        // notify off: the next opening brings no DM.
        Interaction off = ann.slash(text, "portal", "notify", Map.of("state", "off"));
        off.awaitResponse(1, T);
        report(Map.of());
        clock.advance(Duration.ofMinutes(61));
        report(Map.of("p4", "Di"));
        await(() -> openings() == 3);
        Thread.sleep(300);
        assertThat(ann.directMessages()).hasSize(2);
    }

    @Test
    void chatCrossesBothWaysWithNamesAndWithoutPingsAndStopsWhenTurnedOff() throws Exception {
        EmulatedMember ben = d.addMember("Ben");
        shard.chat("p1", "Ana", "hello @everyone, come in");
        await(() -> posted().stream().anyMatch(p -> p.contains("**Ana** (in Lobby World): hello @everyone, come in")));
        ObjectNode last = d.channelMessages(text.id()).getLast();
        assertThat(last.path("mention_everyone").asBoolean()).as("world text never pings").isFalse();

        ben.say(text, "hi world");
        JsonNode chat = shard.expect("chat", T);
        assertThat(chat.path("text").asText()).isEqualTo("hi world");
        assertThat(chat.path("from").path("name").asText()).isEqualTo("Ben");
        assertThat(chat.path("from").path("id").asText()).isEqualTo(Long.toString(ben.id()));

        portal.bindings().store().update(binding.withOptions(binding.toShard(), true, false));
        ben.say(text, "anyone?");
        shard.chat("p1", "Ana", "still here");
        Thread.sleep(500);
        assertThat(posted()).noneMatch(p -> p.contains("still here"));
        try {
            shard.expect("chat", Duration.ofMillis(300));
            throw new AssertionError("chat crossed with the bridge off");
        } catch (IllegalStateException expected) {
            // nothing came
        }
    }

    @Test
    void theBotsStatusShowsLiveTotalsAndRapidChangesAreCoalesced() throws Exception {
        long bot = d.world().users().stream().filter(StandInWorld.User::bot).findFirst().orElseThrow().id();
        report(Map.of("p1", "Ana", "p2", "Bo"));
        await(() -> d.presenceUpdates(bot).stream().anyMatch(p -> p.contains("2 players in 1 world")));
        int before = d.presenceUpdates(bot).size();
        for (int n = 3; n <= 7; n++) {
            Map<String, String> players = new HashMap<>();
            for (int i = 0; i < n; i++) players.put("p" + i, "P" + i);
            report(players);
        }
        await(() -> d.presenceUpdates(bot).getLast().contains("7 players in 1 world"));
        Thread.sleep(1200);
        int sent = d.presenceUpdates(bot).size() - before;
        assertThat(sent).as("five changes within a second, at most one update a second").isBetween(1, 2);
        assertThat(d.presenceUpdates(bot).getLast()).contains("7 players in 1 world");
    }

    @Test
    void kickMuteAndUnmuteReachTheWorldFromThoseAllowedWithPlayersCompleted() throws Exception {
        EmulatedMember mona = d.addMember("Mona", StandInWorld.Role.MODERATORS);
        EmulatedMember gus = d.addMember("Gus");
        report(Map.of("p1", "Ana", "p2", "Abe", "p3", "Cy"));
        Interaction completion = null;
        long deadline = System.nanoTime() + T.toNanos();
        while (completion == null) {
            try {
                completion = mona.autocomplete(text, "portal", "mute", "player", "a");
            } catch (IllegalStateException notYetRegistered) {
                if (System.nanoTime() > deadline) throw notYetRegistered;
                Thread.sleep(50);
            }
        }
        Map<String, String> offered = new HashMap<>();
        completion.awaitResponse(1, T).path("data").path("choices").forEach(c -> offered.put(c.path("name").asText(), c.path("value").asText()));
        assertThat(offered).containsExactlyInAnyOrderEntriesOf(Map.of("Ana", "p1", "Abe", "p2"));

        Interaction denied = gus.slash(text, "portal", "kick", Map.of("player", "p1"));
        denied.awaitResponse(1, T);
        assertThat(denied.ephemeral()).isTrue();
        assertThat(denied.replyText()).contains("Manage Channels", "to kick players through it");

        Interaction muted = mona.slash(text, "portal", "mute", Map.of("player", "p1"));
        muted.awaitResponse(1, T);
        assertThat(muted.replyText()).contains("to mute Ana");
        JsonNode m = shard.expect("moderation", T);
        assertThat(m.path("action").asText()).isEqualTo("mute");
        assertThat(m.path("player").asText()).isEqualTo("p1");
        assertThat(m.path("by").path("name").asText()).isEqualTo("Mona");
        assertThat(m.path("by").path("id").asText()).isEqualTo(Long.toString(mona.id()));
        mona.slash(text, "portal", "unmute", Map.of("player", "Ana")).awaitResponse(1, T); // a name works too
        assertThat(shard.expect("moderation", T).path("action").asText()).isEqualTo("unmute");
        mona.slash(text, "portal", "kick", Map.of("player", "p3")).awaitResponse(1, T);
        assertThat(shard.expect("moderation", T).path("player").asText()).isEqualTo("p3");

        Interaction nobody = mona.slash(text, "portal", "kick", Map.of("player", "p9"));
        nobody.awaitResponse(1, T);
        assertThat(nobody.replyText()).contains("no player `p9`");
    }

    @Test
    void aDeletedTextChannelRemovesItsBinding() throws Exception {
        d.deleteChannel(text.id());
        await(() -> {
            try {
                return portal.bindings().store().all().isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(portal.bindings().liveOf(binding.id())).isEmpty();
    }
}
