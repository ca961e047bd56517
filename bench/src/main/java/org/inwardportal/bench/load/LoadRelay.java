package org.inwardportal.bench.load;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.control.binding.BindingStore;
import org.inwardportal.control.binding.LiveBinding;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.control.config.Secret;
import org.inwardportal.control.discord.DiscordService;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.media.MediaService;
import org.inwardportal.control.signaling.SignalingService;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.DatabaseUrl;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.inwardportal.discord.voice.VoiceLinkState;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.signaling.SignalingServer;

/**
 * The relay as the daemon assembles its media path — store, WebRTC endpoint, Discord bots (real
 * JDA), bindings, signaling — against a Discord stand-in holding one voice channel per binding.
 * The HTTP server and slash commands are left out: nothing of theirs is on the audio path.
 * A bot has one voice connection per guild and the stand-in has one guild, so each binding gets a
 * bot of its own (as a relay with a pool of bot tokens would for bindings in one guild).
 */
final class LoadRelay implements AutoCloseable {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT); // the daemon's kind (PortalMetrics)
    final DiscordStandIn standIn;
    final List<StandInWorld.GuildChannel> voiceChannels = new ArrayList<>();
    private final Database database;
    private final MediaService media;
    private final DiscordService discord;
    private final BindingService bindings;
    private final SignalingService signaling;
    private final List<Component> started = new ArrayList<>();

    LoadRelay(int count, Path dataDir) throws Exception {
        RelayMeters.configure(registry);
        standIn = DiscordStandIn.start();
        List<Secret> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            voiceChannels.add(standIn.world().addChannel(StandInWorld.VOICE, "load-" + i));
            tokens.add(Secret.of(standIn.addBot("Portal " + i).token()));
        }
        Map<String, String> env = new HashMap<>();
        env.put("PORTAL_DATA_DIR", dataDir.toString());
        env.put("PORTAL_MEDIA_PORT", "0");
        env.put("PORTAL_SIGNALING_PORT", "0");
        env.put("PORTAL_SIGNALING_CONNECTIONS_PER_ADDRESS", Integer.toString(count + 10)); // every shard comes from 127.0.0.1
        env.put("PORTAL_SIGNALING_IDLE_TIMEOUT", "1h"); // the light client does not ping
        Config config = ConfigLoader.load(null, env);
        database = new Database(DatabaseUrl.from(config), config.get(ConfigKeys.DATABASE_POOL_SIZE), registry);
        media = new MediaService(config, registry);
        discord = new DiscordService(tokens, DiscordEndpoints.standIn(standIn));
        SignalingService[] sig = new SignalingService[1];
        bindings = new BindingService(new BindingStore(database::dataSource), discord, media, () -> sig[0].server(), registry);
        signaling = sig[0] = new SignalingService(config, database, media, bindings.hooks());
        for (Component c : List.of(database, media, discord, bindings, signaling)) {
            c.start();
            started.add(c);
        }
    }

    /** Binds shard {@code load-i} to voice channel {@code load-i} (per-speaker tracks toward the shard); returns its token. */
    String bind(int i) throws Exception {
        String shard = "load-" + i;
        long guild = standIn.world().guildId();
        bindings.create(new Binding(bindings.store().newId(), guild, voiceChannels.get(i).id(), null, shard, "Load " + i,
                BindingPipeline.ToShard.PER_SPEAKER, false, false, "load", Instant.now()));
        return new ShardTokens(database::dataSource).create(shard);
    }

    boolean voiceReady(int i) {
        try {
            String id = bindings.store().byShard("load-" + i).orElseThrow().id();
            return bindings.liveOf(id).map(l -> l.link().state() == VoiceLinkState.READY).orElse(false);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    MediaEndpoint endpoint() {
        return media.endpoint();
    }

    /** Binding {@code load-i}'s id and live state (for admitting its viewers). */
    Map.Entry<String, LiveBinding> live(int i) throws java.sql.SQLException {
        String id = bindings.store().byShard("load-" + i).orElseThrow().id();
        return Map.entry(id, bindings.liveOf(id).orElseThrow());
    }

    URI signalingUri() {
        return URI.create("ws://127.0.0.1:" + signaling.server().port() + SignalingServer.PATH);
    }

    @Override
    public void close() {
        for (Component c : started.reversed()) {
            try {
                c.stop(Duration.ofSeconds(5));
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
        standIn.close();
    }
}
