package org.inwardportal.control;

import java.time.Duration;
import java.util.List;
import org.inwardportal.control.api.Announcer;
import org.inwardportal.control.api.ApiHandler;
import org.inwardportal.control.api.GithubHook;
import org.inwardportal.control.api.ApiSecret;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.control.binding.BindingStore;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.binding.ActivityStore;
import org.inwardportal.control.discord.ChannelBridge;
import org.inwardportal.control.discord.CommandsService;
import org.inwardportal.control.discord.PortalCommands;
import org.inwardportal.control.discord.PresenceUpdater;
import org.inwardportal.control.discord.SpectatorLinks;
import org.inwardportal.control.discord.StatusBoard;
import org.inwardportal.control.discord.StatusBoardStore;
import org.inwardportal.control.binding.WorldStats;
import org.inwardportal.control.local.LocalDemo;
import org.inwardportal.control.binding.WorldStatsStore;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.discord.DiscordService;
import org.inwardportal.control.media.MediaService;
import org.inwardportal.control.signaling.SignalingService;
import org.inwardportal.control.spectator.SignalingAddress;
import org.inwardportal.control.spectator.WatchHandler;
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
    private final BindingService bindings;
    private final ApiSecret apiSecret;
    private final OpsHttpServer http;
    private final Daemon daemon;
    private final WorldStats stats;
    private LocalDemo demo;

    public Portal(Config config) {
        this(config, java.time.Clock.systemUTC());
    }

    /** With the clock that notifications keep time by (tests simulate hours with it). */
    public Portal(Config config, java.time.Clock clock) {
        this.config = config;
        this.database = new Database(DatabaseUrl.from(config), config.get(ConfigKeys.DATABASE_POOL_SIZE), metrics.registry());
        // Holder breaks the cycle: the HTTP server reports the daemon's health, and is one of its components.
        Daemon[] self = new Daemon[1];
        this.discord = new DiscordService(config.get(ConfigKeys.DISCORD_TOKENS),
                org.inwardportal.discord.voice.DaveMode.parse(config.get(ConfigKeys.DAVE)));
        discord.localWorldCreated(() -> {
            try {
                return Long.parseLong(database.setting("standin.created", () -> Long.toString(System.currentTimeMillis())));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot read the local world's creation time: " + e.getMessage(), e);
            }
        });
        this.media = new MediaService(config, metrics.registry());
        SignalingService[] sig = new SignalingService[1];
        this.bindings = new BindingService(new BindingStore(() -> database.dataSource()), discord, media,
                () -> sig[0].server(), metrics.registry());
        this.apiSecret = apiSecret(config);
        int perMinute = config.get(ConfigKeys.API_REQUESTS_PER_MINUTE);
        Announcer announcer = new Announcer(discord);
        GithubHook github = config.find(ConfigKeys.API_GITHUB_SECRET)
                .map(s -> new GithubHook(s, Long.parseLong(config.get(ConfigKeys.API_GITHUB_CHANNEL)))).orElse(null);
        this.http = new OpsHttpServer(config.get(ConfigKeys.HTTP_HOST), config.get(ConfigKeys.HTTP_PORT),
                new OpsRoutes(() -> self[0].health(), () -> self[0].ready(), metrics::scrape),
                () -> new ApiHandler(apiSecret, bindings, announcer, github, perMinute));
        this.signaling = sig[0] = new SignalingService(config, database, media, bindings.hooks());
        // the spectator page: its invites and WebSocket are the signaling server's, known once it has started
        http.spectatorPage(new WatchHandler(() -> sig[0].server() == null ? null : sig[0].server().invites(),
                new SignalingAddress(config.find(ConfigKeys.SIGNALING_PUBLIC_URL).orElse(null),
                        config.find(ConfigKeys.SIGNALING_TLS_CERTIFICATE).isPresent(),
                        () -> sig[0].server() == null ? 0 : sig[0].server().port())));
        ActivityStore activity = new ActivityStore(() -> database.dataSource());
        SpectatorLinks links = new SpectatorLinks(() -> config.find(ConfigKeys.HTTP_PUBLIC_URL).orElseGet(() ->
                "http://" + config.get(ConfigKeys.HTTP_HOST) + ":" + http.localAddress().getPort()));
        this.stats = new WorldStats(bindings, new WorldStatsStore(() -> database.dataSource()), clock, Duration.ofSeconds(30));
        StatusBoard board = new StatusBoard(bindings, new StatusBoardStore(() -> database.dataSource()),
                config.get(ConfigKeys.DISCORD_STATUS_INTERVAL));
        CommandsService commands = new CommandsService(discord, new PortalCommands(bindings, activity,
                new ShardTokens(() -> database.dataSource()), config.get(ConfigKeys.DISCORD_MANAGER_ROLES), links, stats.store(), clock, board),
                new ChannelBridge(bindings, activity, () -> sig[0].server(), clock, config.get(ConfigKeys.NOTIFICATIONS_IDLE_WINDOW), links),
                new PresenceUpdater(bindings, discord, config.get(ConfigKeys.DISCORD_STATUS_INTERVAL)), board);
        // HTTP first (health and readiness while the rest starts; spectator links need its port); bindings open
        // (bots rejoin their voice channels) before shards may connect.
        List<org.inwardportal.control.lifecycle.Component> components = new java.util.ArrayList<>(
                List.of(database, http, media, discord, bindings, stats, commands, signaling));
        if (config.get(ConfigKeys.LOCAL_DEMO)) {
            if (discord.localMode()) {
                components.add(demo = new LocalDemo(new LocalDemo.Relay(discord, bindings, new ShardTokens(() -> database.dataSource()),
                        () -> sig[0].server(), http::localAddress, apiSecret.file(), links, metrics.registry())));
            } else {
                org.slf4j.LoggerFactory.getLogger(Portal.class).info("local.demo is ignored: Discord tokens are configured");
            }
        }
        config.find(ConfigKeys.URO_URL).ifPresent(url -> components.add(
                new org.inwardportal.control.binding.UroPoller(java.net.URI.create(url), config.get(ConfigKeys.URO_INTERVAL), bindings)));
        this.daemon = new Daemon(List.copyOf(components));
        self[0] = daemon;
    }

    // The configured secret, or one made once and kept in the data folder: the API is never open.
    private static ApiSecret apiSecret(Config config) {
        var configured = config.find(ConfigKeys.API_SECRET);
        if (configured.isPresent()) return ApiSecret.configured(configured.get());
        try {
            ApiSecret s = ApiSecret.generatedIn(config.get(ConfigKeys.DATA_DIR));
            org.slf4j.LoggerFactory.getLogger(Portal.class).info("HTTP API secret: none configured, using the one in {}", s.file());
            return s;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot keep the API secret in " + config.get(ConfigKeys.DATA_DIR) + ": " + e.getMessage(), e);
        }
    }

    public void start() throws Daemon.StartupException {
        daemon.start(shutdownTimeout());
    }

    public Duration shutdownTimeout() {
        return config.get(ConfigKeys.SHUTDOWN_TIMEOUT);
    }

    /** The local demo, when local.demo is on in local mode; else null. */
    public LocalDemo demo() {
        return demo;
    }

    public WorldStats stats() {
        return stats;
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

    public SignalingService signaling() {
        return signaling;
    }

    public BindingService bindings() {
        return bindings;
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
