package org.inwardportal.control.signaling;

import java.time.Duration;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.control.media.MediaService;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.signaling.SignalingLimits;
import org.inwardportal.signaling.SignalingServer;

/** The signaling WebSocket as a daemon component: shards authenticate with their tokens from the store. */
public final class SignalingService implements Component {
    private final String host;
    private final int port;
    private final SignalingLimits limits;
    private final Database database;
    private final MediaService media;
    private final java.nio.file.Path tlsCertificate;
    private final java.nio.file.Path tlsKey;
    private final java.util.List<String> iceServers;
    private final SignalingServer.Hooks hooks;
    private volatile SignalingServer server;
    private volatile Health health = Health.starting();

    public SignalingService(Config c, Database database, MediaService media, SignalingServer.Hooks hooks) {
        this.hooks = hooks;
        this.host = c.get(ConfigKeys.SIGNALING_HOST);
        this.port = c.get(ConfigKeys.SIGNALING_PORT);
        this.limits = new SignalingLimits(c.get(ConfigKeys.SIGNALING_MAX_MESSAGE_BYTES), c.get(ConfigKeys.SIGNALING_MESSAGES_PER_SECOND),
                c.get(ConfigKeys.SIGNALING_CONNECTIONS_PER_ADDRESS), c.get(ConfigKeys.SIGNALING_IDLE_TIMEOUT),
                c.get(ConfigKeys.SIGNALING_HELLO_TIMEOUT), Duration.ofMillis(500));
        this.database = database;
        this.media = media;
        this.tlsCertificate = c.find(ConfigKeys.SIGNALING_TLS_CERTIFICATE).orElse(null);
        this.tlsKey = c.find(ConfigKeys.SIGNALING_TLS_KEY).orElse(null);
        this.iceServers = c.get(ConfigKeys.SIGNALING_ICE_SERVERS);
    }

    @Override
    public String name() {
        return "signaling";
    }

    public SignalingServer server() {
        return server;
    }

    @Override
    public void start() throws Exception {
        SignalingServer s = new SignalingServer(host, port, limits, new ShardTokens(database.dataSource()), media.endpoint(),
                hooks);
        // The key that signs spectator invites: made once, kept in the store, so invites survive restarts.
        String key = database.setting("invite.key", () -> {
            byte[] k = new byte[32];
            new java.security.SecureRandom().nextBytes(k);
            return java.util.Base64.getEncoder().encodeToString(k);
        });
        s.invites(new org.inwardportal.signaling.Invites(java.util.Base64.getDecoder().decode(key), java.time.Clock.systemUTC()));
        s.iceServers(iceServers);
        if (tlsCertificate != null) {
            try {
                s.tls(tlsCertificate.toFile(), tlsKey.toFile());
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("signaling.tls-certificate / signaling.tls-key: not a usable PEM certificate and key ("
                        + e.getMessage() + ")", e);
            }
        }
        try {
            s.start();
        } catch (Exception e) {
            s.close();
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        server = s;
        health = Health.ready((tlsCertificate == null ? "ws://" : "wss://") + host + ":" + s.port() + SignalingServer.PATH);
    }

    @Override
    public void stop(Duration budget) {
        health = Health.stopped();
        SignalingServer s = server;
        if (s != null) s.close();
    }

    @Override
    public Health health() {
        return health;
    }
}
