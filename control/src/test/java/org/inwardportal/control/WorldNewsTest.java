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
import java.util.Optional;
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
        long t0 = System.nanoTime();
        for (int n = 3; n <= 7; n++) {
            Map<String, String> players = new HashMap<>();
            for (int i = 0; i < n; i++) players.put("p" + i, "P" + i);
            report(players);
        }
        await(() -> d.presenceUpdates(bot).getLast().contains("7 players in 1 world"));
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L; // about one; more where reports are slow
        Thread.sleep(1200);
        int sent = d.presenceUpdates(bot).size() - before;
        assertThat(sent).as("five changes in %d s, at most one update a second", seconds).isBetween(1, (int) Math.min(2 + seconds, 4));
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
    void theTopicCarriesTheSpectatorLinkAndRemovingItPausesBridgingUntilItIsBack() throws Exception {
        String link = "/watch/b/" + binding.id();
        await(() -> d.world().channel(text.id()).orElseThrow().topic() != null && d.world().channel(text.id()).orElseThrow().topic().contains(link));
        EmulatedMember ann = d.addMember("Ann");
        ann.joinVoice(d.world().channel("World"));
        awaitWorldHeardBy(ann, 0); // bridging runs (Ann's first rounds may go before her voice connection is up)

        d.setTopic(text.id(), "just chat here");
        await(() -> portal.bindings().paused(binding.id()));
        await(() -> posted().stream().anyMatch(p -> p.contains("is paused: its spectator link is not in")));
        assertThat(worldFramesHeardBy(ann, 100)).as("paused: no world audio in Discord").isZero();
        shard.chat("p1", "Ana", "anyone there?");
        Thread.sleep(300);
        assertThat(posted()).noneMatch(p -> p.contains("anyone there?"));

        d.setTopic(text.id(), "back: Watch " + "http://127.0.0.1:" + portal.http().localAddress().getPort() + link);
        await(() -> !portal.bindings().paused(binding.id()));
        await(() -> posted().stream().anyMatch(p -> p.contains("resumed")));
        awaitWorldHeardBy(ann, 200);
    }

    /** Rounds of 20 frames until Ann hears more than 10 of one. */
    private void awaitWorldHeardBy(EmulatedMember ann, int from) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        int heard;
        while ((heard = worldFramesHeardBy(ann, from)) <= 10) {
            if (System.nanoTime() > deadline) throw new AssertionError("world audio not heard in Discord: " + heard + " of 20 frames");
            from += 20;
        }
    }

    /** The shard sends 20 frames; how many of them Ann heard. */
    private int worldFramesHeardBy(EmulatedMember ann, int from) throws Exception {
        ann.clearHeard();
        for (int i = from; i < from + 20; i++) {
            shard.peer().sendOpus(0xABC, i, 960L * i, ("\u00fcw#" + i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 10);
            Thread.sleep(20);
        }
        Thread.sleep(300);
        return (int) ann.heard().stream().filter(h -> new String(h.opus(), java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("\u00fcw#")).count();
    }

    @Test
    void invitesArePersonalSignedAndExpireInADay() throws Exception {
        EmulatedMember ann = d.addMember("Ann");
        Interaction i = null;
        long deadline = System.nanoTime() + T.toNanos();
        while (i == null) {
            try {
                i = ann.slash(text, "portal", "invite", Map.of());
            } catch (IllegalStateException notYetRegistered) {
                if (System.nanoTime() > deadline) throw notYetRegistered;
                Thread.sleep(50);
            }
        }
        i.awaitResponse(1, T);
        assertThat(i.ephemeral()).isTrue();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/watch/(\\S+)").matcher(i.replyText());
        assertThat(m.find()).as(i.replyText()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(portal.http().localAddress().getPort());
        var invite = portal.signaling().server().invites().verify(m.group(2)).orElseThrow();
        assertThat(invite.binding()).isEqualTo(binding.id());
        assertThat(invite.viewerId()).isEqualTo(Long.toString(ann.id()));
        assertThat(invite.viewerName()).isEqualTo("Ann");
        assertThat(Duration.between(Instant.now(), invite.expires())).isBetween(Duration.ofHours(23), Duration.ofHours(24));
        assertThat(portal.signaling().server().invites().verify(m.group(2).substring(0, m.group(2).length() - 2) + "xx")).as("forged").isEmpty();

        // a member who can see neither of the world's channels gets no link
        EmulatedMember eve = d.addMember("Eve");
        d.hideChannel(text.id(), eve.id());
        d.hideChannel(d.world().channel("World").id(), eve.id());
        Interaction denied = null;
        deadline = System.nanoTime() + T.toNanos();
        while (denied == null || !String.valueOf(denied.awaitResponse(1, Duration.ofSeconds(2))).contains("cannot see")) {
            if (System.nanoTime() > deadline) throw new AssertionError("still handed a link: " + (denied == null ? null : denied.replyText()));
            denied = eve.slash(text, "portal", "invite", Map.of()); // asked again until JDA has the overwrites
        }
        assertThat(denied.ephemeral()).isTrue();
        assertThat(denied.replyText()).contains("cannot see").doesNotContain("/watch/");
    }

    @Test
    void statsCountSessionsPeakPlayersAndAudioPerDayAndForgetOldDays() throws Exception {
        EmulatedMember ann = d.addMember("Ann");
        ann.joinVoice(d.world().channel("World"));
        report(Map.of("p1", "Ana", "p2", "Bo"));
        report(Map.of("p1", "Ana", "p2", "Bo", "p3", "Cy"));
        report(Map.of());
        report(Map.of("p4", "Di"));
        // one second of world audio; Ann talks for one second
        for (int i = 0; i < 50; i++) {
            shard.peer().sendOpus(0xABC, i, 960L * i, new byte[] {(byte) 0xFC, 1, 2}, 10);
            Thread.sleep(20);
        }
        List<byte[]> words = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) words.add(new byte[] {(byte) 0xFC, 3, 4, (byte) i});
        ann.speak(words).get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        var p = portal.bindings().liveOf(binding.id()).orElseThrow().pipeline();
        try {
            await(() -> p.framesFromShard() >= 50 && p.framesFromDiscord() >= 50);
        } catch (AssertionError e) {
            throw new AssertionError("frames from the shard " + p.framesFromShard() + ", from Discord " + p.framesFromDiscord(), e);
        }
        portal.stats().sample();
        portal.stats().sample(); // nothing new: adds nothing

        java.time.LocalDate today = java.time.LocalDate.of(2026, 11, 21);
        var t = portal.stats().store().totals(binding.id(), today, today);
        assertThat(t.sessions()).isEqualTo(2);
        assertThat(t.peakPlayers()).isEqualTo(3);
        assertThat(t.worldAudioMs()).isEqualTo(p.framesFromShard() * 20).isGreaterThanOrEqualTo(1000);
        assertThat(t.discordAudioMs()).isEqualTo(p.framesFromDiscord() * 20).isGreaterThanOrEqualTo(1000);

        Interaction week = slashWhenRegistered(ann, "stats", Map.of());
        week.awaitResponse(1, T);
        assertThat(week.replyText()).contains("Lobby World").contains("last 7 days").contains("2 sessions").contains("peak 3 players")
                .contains("Discord voices under a minute into the world");

        clock.advance(Duration.ofDays(8)); // the day falls out of the default week, not out of 30 days
        Interaction later = slashWhenRegistered(ann, "stats", Map.of());
        later.awaitResponse(1, T);
        assertThat(later.replyText()).contains("0 sessions").contains("peak 0 players");
        Interaction month = slashWhenRegistered(ann, "stats", Map.of("days", 30));
        month.awaitResponse(1, T);
        assertThat(month.replyText()).contains("last 30 days").contains("2 sessions").contains("peak 3 players");
    }

    @Test
    void aStatusBoardListsTheWorldsIsEditedInPlaceAndIsForgottenWhenItsMessageIsDeleted() throws Exception {
        EmulatedMember gus = d.addMember("Gus");
        Interaction denied = slashWhenRegistered(gus, "board", Map.of());
        denied.awaitResponse(1, T);
        assertThat(denied.replyText()).contains("Manage Channels");
        assertThat(posted()).noneMatch(p -> p.contains("**Worlds**"));

        EmulatedMember mona = d.addMember("Mona", StandInWorld.Role.MODERATORS);
        Interaction on = slashWhenRegistered(mona, "board", Map.of());
        await(() -> on.replyText() != null && on.replyText().contains("keeps itself up to date"));
        assertThat(on.ephemeral()).isTrue();
        await(() -> board().isPresent());
        assertThat(board().orElseThrow().path("content").asText()).contains("Lobby World").contains("0 players");

        report(Map.of("p1", "Ana", "p2", "Bo"));
        await(() -> board().map(m -> m.path("content").asText().contains("2 players")).orElse(false));
        long id = board().orElseThrow().path("id").asLong();
        assertThat(posted().stream().filter(p -> p.contains("**Worlds**")).count()).as("edited in place, not posted again").isEqualTo(1);

        assertThat(d.deleteMessage(text.id(), id)).isTrue(); // an admin deletes it
        report(Map.of("p1", "Ana")); // the next edit finds the message gone
        var boards = new org.inwardportal.control.discord.StatusBoardStore(portal.database()::dataSource);
        await(() -> {
            try {
                return boards.get(d.world().guildId()).isEmpty();
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        Interaction off = slashWhenRegistered(mona, "board", Map.of("state", "off"));
        off.awaitResponse(1, T);
        assertThat(off.replyText()).contains("has no status board");
    }

    /** The status board message in #world, if there is one. */
    private Optional<com.fasterxml.jackson.databind.JsonNode> board() {
        return d.channelMessages(text.id()).stream().filter(m -> m.path("content").asText().contains("**Worlds**"))
                .map(m -> (com.fasterxml.jackson.databind.JsonNode) m).findFirst();
    }

    private Interaction slashWhenRegistered(EmulatedMember m, String sub, Map<String, Object> options) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            try {
                return m.slash(text, "portal", sub, options);
            } catch (IllegalStateException notYetRegistered) {
                if (System.nanoTime() > deadline) throw notYetRegistered;
                Thread.sleep(50);
            }
        }
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
