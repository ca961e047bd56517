package org.inwardportal.control;

import java.time.Duration;
import java.util.List;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.discord.DiscordService;
import org.inwardportal.control.media.MediaService;
import org.inwardportal.control.signaling.SignalingService;
import org.inwardportal.control.lifecycle.Daemon;
import org.inwardportal.control.metrics.PortalMetrics;
import org.inwardportal.control.ops.OpsHttpServer;
import org.inwardportal.control.ops.OpsRoutes;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.DatabaseUrl;

/**
 * The composition root: builds every component of the relay from the configuration, in start
 * order. With no Discord token configured the relay runs in local mode.
 */
public final class Portal implements AutoCloseable {
    private final Config config;
    private final PortalMetrics metrics = new PortalMetrics();
    private final Database database;
    private final DiscordService discord;
    private final MediaService media;
    private final SignalingService signaling;
    private final OpsHttpServer http;
    private final Daemon daemon;

    public Portal(Config config) {
        this.config = config;
        this.database = new Database(DatabaseUrl.from(config), config.get(ConfigKeys.DATABASE_POOL_SIZE), metrics.registry());
        // Holder breaks the cycle: the HTTP server reports the daemon's health, and is one of its components.
        Daemon[] self = new Daemon[1];
        this.http = new OpsHttpServer(config.get(ConfigKeys.HTTP_HOST), config.get(ConfigKeys.HTTP_PORT),
                new OpsRoutes(() -> self[0].health(), () -> self[0].ready(), metrics::scrape));
        this.discord = new DiscordService(config.get(ConfigKeys.DISCORD_TOKENS));
        this.media = new MediaService(config, metrics.registry());
        this.signaling = new SignalingService(config, database, media);
        this.daemon = new Daemon(List.of(database, media, signaling, discord, http));
        self[0] = daemon;
    }

    public void start() throws Daemon.StartupException {
        daemon.start(shutdownTimeout());
    }

    public Duration shutdownTimeout() {
        return config.get(ConfigKeys.SHUTDOWN_TIMEOUT);
    }

    public Daemon daemon() {
        return daemon;
    }

    public Database database() {
        return database;
    }

    public OpsHttpServer http() {
        return http;
    }

    public MediaService media() {
        return media;
    }

    public DiscordService discord() {
        return discord;
    }

    public boolean localMode() {
        return discord.localMode();
    }

    /** Stops every component within the shutdown timeout; true when all stopped cleanly. */
    public boolean stop() {
        boolean clean = daemon.stop(shutdownTimeout());
        metrics.close();
        return clean;
    }

    @Override
    public void close() {
        stop();
    }
}
