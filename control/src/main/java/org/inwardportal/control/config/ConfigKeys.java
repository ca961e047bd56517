package org.inwardportal.control.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.inwardportal.control.store.DatabaseUrl;

/**
 * Every configuration key the relay knows. docs/configuration.md documents each of them (a test
 * checks that it does); a key not listed here is an error wherever it appears.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    public static final ConfigKey<Path> DATA_DIR = new ConfigKey<>("data.dir", ValueTypes.PATH, Path.of("data"),
            "Folder for the embedded database and other state. Created if missing.");

    public static final ConfigKey<String> DATABASE_URL = new ConfigKey<>("database.url", DatabaseUrl.TYPE, null,
            "Where bindings and settings live. Unset: the embedded SQLite file <data.dir>/portal.db. "
                    + "A jdbc:postgresql:// or postgresql:// URL switches to PostgreSQL; a password in the URL is redacted when printed.");

    public static final ConfigKey<String> DATABASE_USER = new ConfigKey<>("database.user", ValueTypes.TEXT, null,
            "PostgreSQL user name, when not given in database.url.");

    public static final ConfigKey<Secret> DATABASE_PASSWORD = new ConfigKey<>("database.password", ValueTypes.SECRET, null,
            "PostgreSQL password, when not given in database.url.");

    public static final ConfigKey<Integer> DATABASE_POOL_SIZE = new ConfigKey<>("database.pool-size",
            ValueTypes.intRange(1, 64, "connection count"), 4,
            "Largest number of open database connections.");

    public static final ConfigKey<String> HTTP_HOST = new ConfigKey<>("http.host", ValueTypes.HOST, "127.0.0.1",
            "Address the HTTP server (health, readiness, metrics, API) listens on. "
                    + "A non-loopback address requires api.secret.");

    public static final ConfigKey<Integer> HTTP_PORT = new ConfigKey<>("http.port", ValueTypes.PORT, 8480,
            "Port of the HTTP server. 0 picks a free port (the log line 'http listening' names it).");

    public static final ConfigKey<String> HTTP_PUBLIC_URL = new ConfigKey<>("http.public-url", ValueTypes.TEXT, null,
            "The relay's HTTP server as people outside reach it (spectator links in topics and invites). Unset: http://<http.host>:<port>.");

    public static final ConfigKey<Secret> API_SECRET = new ConfigKey<>("api.secret", ValueTypes.SECRET, null,
            "Shared secret that locks the HTTP API (at least 16 characters). Required when http.host is not loopback; "
                    + "unset on loopback, the relay makes one and keeps it in <data.dir>/api-secret.");

    public static final ConfigKey<Integer> API_REQUESTS_PER_MINUTE = new ConfigKey<>("api.requests-per-minute",
            ValueTypes.intRange(1, 100_000, "requests per minute"), 120,
            "HTTP API rate limit, per client address and for the secret as a whole (bursts up to the same number); beyond it: 429 with Retry-After.");

    public static final ConfigKey<Secret> API_GITHUB_SECRET = new ConfigKey<>("api.github-secret", ValueTypes.SECRET, null,
            "The secret of the GitHub webhook that posts to /api/v1/hooks/github (X-Hub-Signature-256 is checked with it). Unset: that route answers 404.");

    public static final ConfigKey<String> API_GITHUB_CHANNEL = new ConfigKey<>("api.github-channel", ValueTypes.SNOWFLAKE, null,
            "The Discord text channel (id) where CI/CD results from the GitHub webhook are posted.");

    public static final ConfigKey<List<Secret>> DISCORD_TOKENS = new ConfigKey<>("discord.tokens", ValueTypes.SECRET_LIST, List.of(),
            "Bot tokens, one per bot (a bot has one voice connection per guild). None: local mode against the built-in Discord stand-in.");

    public static final ConfigKey<List<String>> DISCORD_MANAGER_ROLES = new ConfigKey<>("discord.manager-roles", ValueTypes.TEXT_LIST,
            List.of(), "Role names whose members may bind, unbind, kick and mute besides those with Manage Channels on the channel.");

    public static final ConfigKey<Duration> DISCORD_STATUS_INTERVAL = new ConfigKey<>("discord.status-interval",
            ValueTypes.DURATION_TYPE, Duration.ofSeconds(15),
            "Shortest time between two updates of the bots' status (\"12 players in 3 worlds\"); Discord allows a few a minute.");

    public static final ConfigKey<String> DAVE = new ConfigKey<>("dave", ValueTypes.oneOf("auto", "libdave", "java", "off"), "auto",
            "Discord's end-to-end voice encryption: auto (libdave when it loads here, else pure Java), libdave, java, "
                    + "or off (only the local stand-in accepts that).");

    public static final ConfigKey<Boolean> LOCAL_DEMO = new ConfigKey<>("local.demo", ValueTypes.BOOLEAN, false,
            "Local mode only: a synthetic shard and two emulated members who talk now and then, bound together, "
                    + "with a status line every few seconds (scripts/run turns it on).");

    public static final ConfigKey<Duration> NOTIFICATIONS_IDLE_WINDOW = new ConfigKey<>("notifications.idle-window",
            ValueTypes.DURATION_TYPE, Duration.ofMinutes(60),
            "How long a bound world must have been empty before its next player brings an 'is open' notice (and DMs) again.");

    public static final ConfigKey<String> URO_URL = new ConfigKey<>("uro.url", ValueTypes.TEXT, null,
            "Base URL of a Uro-style shard directory (GET {url}/api/v1/shards) to take player counts from, for worlds that do not report room.state.");

    public static final ConfigKey<Duration> URO_INTERVAL = new ConfigKey<>("uro.interval", ValueTypes.DURATION_TYPE, Duration.ofSeconds(30),
            "How often the shard directory is polled.");

    public static final ConfigKey<String> MEDIA_HOST = new ConfigKey<>("media.host", ValueTypes.HOST, "127.0.0.1",
            "Address the WebRTC endpoint's UDP socket binds to. 0.0.0.0 serves every interface.");

    public static final ConfigKey<Integer> MEDIA_PORT = new ConfigKey<>("media.port", ValueTypes.PORT, 50000,
            "The one UDP port of the WebRTC endpoint, shared by every peer. 0 picks a free port.");

    public static final ConfigKey<List<java.net.InetAddress>> MEDIA_ADDRESSES = new ConfigKey<>("media.addresses",
            ValueTypes.ADDRESS_LIST, List.of(),
            "IP addresses advertised as ICE candidates (e.g. the public address behind NAT).");

    public static final ConfigKey<Duration> MEDIA_CONSENT_TIMEOUT = new ConfigKey<>("media.consent-timeout",
            ValueTypes.DURATION_TYPE, Duration.ofSeconds(30),
            "A peer without a valid ICE check for this long is closed and its resources freed (RFC 7675).");

    public static final ConfigKey<String> SIGNALING_HOST = new ConfigKey<>("signaling.host", ValueTypes.HOST, "127.0.0.1",
            "Address the signaling WebSocket (ws://host:port/signal) listens on.");

    public static final ConfigKey<Integer> SIGNALING_PORT = new ConfigKey<>("signaling.port", ValueTypes.PORT, 8481,
            "Port of the signaling WebSocket. 0 picks a free port.");

    public static final ConfigKey<Integer> SIGNALING_MAX_MESSAGE_BYTES = new ConfigKey<>("signaling.max-message-bytes",
            ValueTypes.intRange(1024, 16 << 20, "size in bytes"), 64 * 1024,
            "Largest signaling message; a larger one closes the connection with 1009.");

    public static final ConfigKey<Integer> SIGNALING_MESSAGES_PER_SECOND = new ConfigKey<>("signaling.messages-per-second",
            ValueTypes.intRange(1, 100_000, "rate"), 50,
            "Messages per second per connection (bursts up to the same); more closes the connection with 4008.");

    public static final ConfigKey<Integer> SIGNALING_CONNECTIONS_PER_ADDRESS = new ConfigKey<>("signaling.connections-per-address",
            ValueTypes.intRange(1, 100_000, "count"), 20,
            "Open signaling connections allowed from one remote address; more are closed with 4029.");

    public static final ConfigKey<Duration> SIGNALING_IDLE_TIMEOUT = new ConfigKey<>("signaling.idle-timeout",
            ValueTypes.DURATION_TYPE, Duration.ofSeconds(60),
            "A connection that sends nothing (not even ping) for this long is closed with 4011.");

    public static final ConfigKey<Duration> SIGNALING_HELLO_TIMEOUT = new ConfigKey<>("signaling.hello-timeout",
            ValueTypes.DURATION_TYPE, Duration.ofSeconds(10),
            "Time allowed between connecting and a successful hello; then the connection is closed with 4001.");

    public static final ConfigKey<Path> SIGNALING_TLS_CERTIFICATE = new ConfigKey<>("signaling.tls-certificate", ValueTypes.PATH, null,
            "PEM certificate chain: with signaling.tls-key, the signaling WebSocket serves wss:// instead of ws://.");

    public static final ConfigKey<Path> SIGNALING_TLS_KEY = new ConfigKey<>("signaling.tls-key", ValueTypes.PATH, null,
            "PEM private key (PKCS#8) of signaling.tls-certificate.");

    public static final ConfigKey<List<String>> SIGNALING_ICE_SERVERS = new ConfigKey<>("signaling.ice-servers", ValueTypes.TEXT_LIST,
            List.of(), "STUN/TURN URLs handed to clients in welcome, for peers behind NAT.");

    public static final ConfigKey<String> SIGNALING_PUBLIC_URL = new ConfigKey<>("signaling.public-url", ValueTypes.TEXT, null,
            "The signaling WebSocket as browsers outside reach it (the spectator page connects there), e.g. wss://relay.example/signal. "
                    + "Unset: ws(s)://<the host the page was loaded from>:<signaling.port>/signal.");

    public static final ConfigKey<String> LOG_FORMAT = new ConfigKey<>("log.format", ValueTypes.oneOf("text", "json"), "text",
            "text: one readable line per event; json: one JSON object per line, for log shippers.");

    public static final ConfigKey<String> LOG_LEVEL = new ConfigKey<>("log.level",
            ValueTypes.oneOf("error", "warn", "info", "debug", "trace"), "info",
            "Lowest level logged by the relay's own code.");

    public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = new ConfigKey<>("shutdown.timeout", ValueTypes.DURATION_TYPE,
            Duration.ofSeconds(10),
            "How long SIGTERM / Ctrl-C may take to drain and close every component before the process exits anyway.");

    public static final List<ConfigKey<?>> ALL = List.of(
            DATA_DIR, DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, DATABASE_POOL_SIZE,
            HTTP_HOST, HTTP_PORT, HTTP_PUBLIC_URL, API_SECRET, API_REQUESTS_PER_MINUTE, API_GITHUB_SECRET, API_GITHUB_CHANNEL,
            DISCORD_TOKENS, DISCORD_MANAGER_ROLES, DISCORD_STATUS_INTERVAL, DAVE, LOCAL_DEMO, NOTIFICATIONS_IDLE_WINDOW, URO_URL, URO_INTERVAL,
            MEDIA_HOST, MEDIA_PORT, MEDIA_ADDRESSES, MEDIA_CONSENT_TIMEOUT,
            SIGNALING_HOST, SIGNALING_PORT, SIGNALING_MAX_MESSAGE_BYTES, SIGNALING_MESSAGES_PER_SECOND,
            SIGNALING_CONNECTIONS_PER_ADDRESS, SIGNALING_IDLE_TIMEOUT, SIGNALING_HELLO_TIMEOUT,
            SIGNALING_TLS_CERTIFICATE, SIGNALING_TLS_KEY, SIGNALING_ICE_SERVERS, SIGNALING_PUBLIC_URL,
            LOG_FORMAT, LOG_LEVEL,
            SHUTDOWN_TIMEOUT);

    public static final Map<String, ConfigKey<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

    public static final Map<String, ConfigKey<?>> BY_ENV =
            ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::envName, Function.identity()));

    /** Environment variables with the PORTAL_ prefix that are not keys. */
    public static final String ENV_CONFIG_FILE = "PORTAL_CONFIG";
}
