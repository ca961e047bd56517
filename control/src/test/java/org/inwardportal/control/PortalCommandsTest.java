package org.inwardportal.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Interaction;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.discord.voice.VoiceLinkState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /portal} through real JDA against the stand-in, the whole relay in process (local mode):
 * each command, each denial, and what they change.
 */
class PortalCommandsTest {
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Portal portal;
    private DiscordStandIn d;
    private StandInWorld.GuildChannel text;
    private StandInWorld.GuildChannel world;
    private StandInWorld.GuildChannel lobby;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PORTAL_DATA_DIR", dir.toString());
        env.put("PORTAL_HTTP_PORT", "0");
        env.put("PORTAL_MEDIA_PORT", "0");
        env.put("PORTAL_SIGNALING_PORT", "0");
        env.put("PORTAL_DISCORD_MANAGER_ROLES", "world builders");
        portal = new Portal(ConfigLoader.load(null, env));
        portal.start();
        d = portal.discord().standIn();
        text = d.world().channel("world");
        world = d.world().channel("World");
        lobby = d.world().channel("Lobby");
        ShardTokens tokens = new ShardTokens(portal.database().dataSource());
        tokens.create("alpha");
        tokens.create("beta");
        tokens.create("gamma");
        tokens.revoke("gamma");
    }

    @AfterEach
    void stop() {
        portal.stop();
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + T);
            Thread.sleep(20);
        }
    }

    /** Runs /portal SUB in CHANNEL as MEMBER and waits for the reply. */
    private Interaction run(EmulatedMember m, StandInWorld.GuildChannel channel, String sub, Map<String, Object> options) throws Exception {
        Interaction i = null;
        long deadline = System.nanoTime() + T.toNanos();
        while (i == null) {
            try {
                i = m.slash(channel, "portal", sub, options);
            } catch (IllegalStateException notYetRegistered) {
                if (System.nanoTime() > deadline) throw notYetRegistered;
                Thread.sleep(50);
            }
        }
        assertThat(i.awaitResponse(1, T)).as("a reply to /portal " + sub).isNotNull();
        return i;
    }

    private List<Binding> bindings() throws Exception {
        return portal.bindings().store().all();
    }

    @Test
    void bindStatusAndUnbindFollowDiscordPermissionsAndSayWhy() throws Exception {
        EmulatedMember mona = d.addMember("Mona", StandInWorld.Role.MODERATORS);
        EmulatedMember bo = d.addMember("Bo", StandInWorld.Role.WORLD_BUILDERS);
        EmulatedMember gus = d.addMember("Gus");
        mona.joinVoice(world);
        gus.joinVoice(world);

        Interaction denied = run(gus, text, "bind", Map.of("shard", "alpha"));
        assertThat(denied.ephemeral()).isTrue();
        assertThat(denied.replyText()).contains("Manage Channels", "`world builders`", "to bind it");
        assertThat(bindings()).isEmpty();

        Interaction bound = run(mona, text, "bind", Map.of("shard", "alpha", "name", "The Lobby"));
        assertThat(bound.ephemeral()).as("a binding is news for the channel").isFalse();
        assertThat(bound.replyText()).contains("Bound **The Lobby**", "`alpha`");
        assertThat(bindings()).singleElement().satisfies(b -> {
            assertThat(b.shard()).isEqualTo("alpha");
            assertThat(b.voiceChannelId()).as("the voice channel Mona is in").isEqualTo(world.id());
            assertThat(b.textChannelId()).as("where the command ran").isEqualTo(text.id());
            assertThat(b.createdBy()).isEqualTo(Long.toString(mona.id()));
        });
        String id = bindings().getFirst().id();
        await(() -> portal.bindings().liveOf(id).map(l -> l.link().state() == VoiceLinkState.READY).orElse(false));

        Interaction taken = run(mona, text, "bind", Map.of("shard", "beta", "voice-channel", world));
        assertThat(taken.ephemeral()).isTrue();
        assertThat(taken.replyText()).contains("bound to alpha already", "/portal unbind");
        Interaction unknown = run(mona, text, "bind", Map.of("shard", "nope", "voice-channel", lobby));
        assertThat(unknown.replyText()).contains("no shard `nope`", "portal token create --shard nope");
        Interaction revoked = run(mona, text, "bind", Map.of("shard", "gamma", "voice-channel", lobby));
        assertThat(revoked.replyText()).contains("no shard `gamma`");
        Interaction nowhere = run(bo, text, "bind", Map.of("shard", "beta"));
        assertThat(nowhere.ephemeral()).isTrue();
        assertThat(nowhere.replyText()).contains("Join a voice channel first");

        // A role named in discord.manager-roles is enough, without Manage Channels.
        Interaction byRole = run(bo, text, "bind", Map.of("shard", "beta", "voice-channel", lobby, "name", "Beta World"));
        assertThat(byRole.replyText()).contains("Bound **Beta World**");
        assertThat(bindings()).extracting(Binding::shard).containsExactly("alpha", "beta");

        Interaction status = run(gus, text, "status", Map.of());
        assertThat(status.replyText()).contains("**The Lobby** (shard `alpha`)", "Voice: ready", "World: not connected", "In voice:", "Mona", "Gus");

        Interaction help = run(gus, text, "help", Map.of());
        assertThat(help.ephemeral()).isTrue();
        assertThat(help.replyText()).contains("/portal bind", "/portal unbind", "/portal status");

        Interaction notYours = run(gus, text, "unbind", Map.of("voice-channel", lobby));
        assertThat(notYours.ephemeral()).isTrue();
        assertThat(notYours.replyText()).contains("Manage Channels", "to unbind it");
        assertThat(bindings()).hasSize(2);
        Interaction unbound = run(bo, text, "unbind", Map.of("voice-channel", lobby));
        assertThat(unbound.replyText()).contains("Unbound **Beta World**");
        assertThat(bindings()).extracting(Binding::shard).containsExactly("alpha");
        Interaction unboundHere = run(mona, text, "unbind", Map.of());
        assertThat(unboundHere.replyText()).contains("Unbound **The Lobby**");
        assertThat(bindings()).isEmpty();
        Interaction nothing = run(mona, text, "unbind", Map.of());
        assertThat(nothing.ephemeral()).isTrue();
        assertThat(nothing.replyText()).contains("Nothing is bound here");
    }

    @Test
    void theShardOptionCompletesToKnownShardsOnly() throws Exception {
        EmulatedMember mona = d.addMember("Mona", StandInWorld.Role.MODERATORS);
        run(mona, text, "help", Map.of()); // waits for /portal to be registered
        Interaction all = mona.autocomplete(text, "portal", "bind", "shard", "");
        JsonNode answer = all.awaitResponse(1, T);
        List<String> names = new ArrayList<>();
        answer.path("data").path("choices").forEach(c -> names.add(c.path("name").asText()));
        assertThat(names).as("revoked gamma is left out").containsExactly("alpha", "beta");
        Interaction b = mona.autocomplete(text, "portal", "bind", "shard", "b");
        List<String> typed = new ArrayList<>();
        b.awaitResponse(1, T).path("data").path("choices").forEach(c -> typed.add(c.path("name").asText()));
        assertThat(typed).containsExactly("beta");
    }
}
