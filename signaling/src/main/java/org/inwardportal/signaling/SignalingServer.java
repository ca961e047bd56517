package org.inwardportal.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.net.IoTransport;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.sdp.SdpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling WebSocket (protocol v1, docs/signaling.md) on {@code ws://host:port/signal}: a
 * shard says {@code hello} with its token, then exchanges SDP with the relay's media endpoint.
 * Every limit has a documented close code or error; a bad message gets an {@code error} naming
 * the field and the session carries on.
 */
public final class SignalingServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);
    static final ObjectMapper JSON = new ObjectMapper();
    public static final int VERSION = 1;
    public static final String PATH = "/signal";

    /** How the control plane plugs media in: where a shard's media goes and what the relay sends it. */
    public interface Hooks {
        default MediaSink sinkFor(String shardId) {
            return MediaSink.DISCARD;
        }

        default Map<String, SdpAnswerer.Track> sendingTo(String shardId) {
            return Map.of();
        }

        /** A validated {@code room.state} from the shard. */
        default void roomState(String shardId, RoomState state) {
        }

        /**
         * Where a viewer's media goes (its push-to-talk audio; the SFU subscribes it to the world's
         * video), given what the relay's answer sends it: {@code video} and {@code audio} tracks.
         */
        default MediaSink viewerSink(Invites.Invite invite, Map<String, SdpAnswerer.Track> sending) {
            return MediaSink.DISCARD;
        }

        /** The binding a shard belongs to, for its {@code welcome}; null while it has none. */
        default String bindingOf(String shardId) {
            return null;
        }

        /** A {@code chat} line from the world (a player speaking in text). */
        default void chat(String shardId, String fromPlayerId, String fromName, String text) {
        }

        Hooks NONE = new Hooks() {
        };
    }

    private final String host;
    private final int port;
    private final SignalingLimits limits;
    private final ShardAuthenticator authenticator;
    private volatile Invites invites;
    private final MediaEndpoint endpoint;
    private final Hooks hooks;
    private final IoTransport transport = IoTransport.best();
    private final EventLoopGroup group = transport.newGroup(1, "signaling");
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<String, Connection> shards = new ConcurrentHashMap<>();
    private final Audience audience = new Audience();
    private volatile io.netty.handler.ssl.SslContext tls;
    private volatile List<String> iceServers = List.of();
    private Channel server;

    public SignalingServer(String host, int port, SignalingLimits limits, ShardAuthenticator authenticator,
                           MediaEndpoint endpoint, Hooks hooks) {
        this.host = host;
        this.port = port;
        this.limits = limits;
        this.authenticator = authenticator;
        this.endpoint = endpoint;
        this.hooks = hooks;
    }

    public void start() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        long idle = limits.idleTimeout().toMillis();
                        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(8192))
                                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath(PATH).maxFramePayloadLength(limits.maxMessageBytes()).build()))
                                .addLast(new WebSocketFrameAggregator(limits.maxMessageBytes()))
                                .addLast(new Connection());
                    }
                }).bind(host, port).sync().channel();
        log.info("signaling on {}://{}:{}{}", tls == null ? "ws" : "wss", host, port(), PATH);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Sends a relay message to a connected shard ({@code speakers}, {@code chat}, {@code moderation},
     * a relay {@code offer}); false if the shard is not connected. Thread-safe.
     */
    public boolean sendTo(String shardId, ObjectNode message) {
        // who speaks is news for the world's spectators too
        if ("speakers".equals(message.path("type").asText())) tellViewersOf(shardId, message);
        Connection c = shards.get(shardId);
        if (c == null || c.channel == null) return false;
        c.channel.eventLoop().execute(() -> c.send(message));
        return true;
    }

    /** Sends a message to every viewer of a binding; the latest of each type is replayed to viewers who join later. */
    public void sendToViewers(String binding, ObjectNode message) {
        audience.tell(binding, message);
    }

    /** Viewers connected to a binding now. */
    public int viewers(String binding) {
        return audience.count(binding);
    }

    private void tellViewersOf(String shardId, ObjectNode message) {
        String binding = hooks.bindingOf(shardId);
        if (binding != null) audience.tell(binding, message);
    }

    /** What viewers are told of the world: {@code room.state} with its name, map and players. */
    static ObjectNode roomStateForViewers(RoomState state) {
        ObjectNode m = message("room.state").put("world", state.world()).put("count", state.count());
        if (state.map() != null) m.put("map", state.map());
        var players = m.putArray("players");
        for (RoomState.Player p : state.players()) players.addObject().put("id", p.id()).put("name", p.name());
        return m;
    }

    /** {@code speakers}: which Discord member is on which track, so the world can place each voice. */
    public static ObjectNode speakers(List<Speaker> speakers) {
        ObjectNode m = message("speakers");
        var list = m.putArray("speakers");
        for (Speaker s : speakers) {
            ObjectNode o = list.addObject().put("id", s.discordId()).put("name", s.name()).put("track", s.trackId());
            if (s.avatarUrl() != null) o.put("avatar", s.avatarUrl());
        }
        return m;
    }

    /** A Discord member on a track toward the shard. */
    public record Speaker(String discordId, String name, String avatarUrl, String trackId) {
    }

    /** {@code chat} from Discord into the world. */
    public static ObjectNode chat(String discordId, String name, String text) {
        ObjectNode m = message("chat").put("text", text);
        m.putObject("from").put("id", discordId).put("name", name).put("discord", true);
        return m;
    }

    /** {@code moderation}: kick, mute or unmute a player, with who asked. */
    public static ObjectNode moderation(String action, String playerId, String byDiscordId, String byName) {
        if (!List.of("kick", "mute", "unmute").contains(action)) throw new IllegalArgumentException("unknown moderation action " + action);
        ObjectNode m = message("moderation").put("action", action).put("player", playerId);
        m.putObject("by").put("id", byDiscordId).put("name", byName);
        return m;
    }

    /** Serves {@code wss://} with this certificate chain and key (PEM files); call before {@link #start()}. */
    public void tls(java.io.File certificateChainPem, java.io.File privateKeyPem) throws javax.net.ssl.SSLException {
        this.tls = io.netty.handler.ssl.SslContextBuilder.forServer(certificateChainPem, privateKeyPem).build();
    }

    /** STUN/TURN URLs handed to clients in {@code welcome} (the relay itself needs none: it is ICE-lite). */
    public void iceServers(List<String> urls) {
        this.iceServers = List.copyOf(urls);
    }

    /**
     * Renegotiates a shard's media session to add send-only audio tracks (one per Discord speaker):
     * the relay's {@code offer} goes out, the shard's {@code answer} completes it. False if the
     * shard has no media session. Thread-safe.
     */
    public boolean offerTracks(String shardId, List<SdpAnswerer.Track> tracks) {
        Connection c = shards.get(shardId);
        if (c == null || c.channel == null) return false;
        c.channel.eventLoop().execute(() -> c.offerTracks(tracks));
        return true;
    }

    /** The invites viewers are let in with (null until set). */
    public Invites invites() {
        return invites;
    }

    /** Enables spectators: {@code hello} with {@code role: "viewer"} and an invite signed with this key. */
    public void invites(Invites invites) {
        this.invites = invites;
    }

    /** Connected and authenticated shards. */
    public List<String> shards() {
        return List.copyOf(shards.keySet());
    }

    @Override
    public void close() {
        if (server != null) server.close().syncUninterruptibly();
        shards.values().forEach(c -> c.close(CloseCodes.NORMAL, "relay stopping"));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** One WebSocket connection: the protocol state machine. Runs on its channel's event loop. */
    private final class Connection extends SimpleChannelInboundHandler<WebSocketFrame> {
        private Channel channel;
        private InetAddress address;
        private String shardId;
        private Invites.Invite viewer;
        private final java.util.function.Consumer<ObjectNode> toViewer = m -> channel.eventLoop().execute(() -> send(m));
        private boolean authenticating;
        private final String sessionId = UUID.randomUUID().toString();
        private PeerSession media;
        // JSEP allows one offer in flight: tracks asked for meanwhile wait and go in the next offer
        private final List<SdpAnswerer.Track> queuedTracks = new java.util.ArrayList<>();
        private boolean offerOutstanding;
        // what the offer in flight adds, made again if no answer comes within limits.answerTimeout()
        private List<SdpAnswerer.Track> offeredTracks = List.of();
        private java.util.concurrent.ScheduledFuture<?> answerTimer;
        private int offerAttempts;
        private double tokens;
        private long lastRefill;
        private boolean counted;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                channel = ctx.channel();
                address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
                counted = true;
                if (perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > limits.connectionsPerAddress()) {
                    close(CloseCodes.TOO_MANY_CONNECTIONS, "more than " + limits.connectionsPerAddress() + " connections from this address");
                    return;
                }
                tokens = limits.messagesPerSecond();
                lastRefill = System.nanoTime();
                ctx.executor().schedule(() -> {
                    if (shardId == null && viewer == null && channel.isActive()) { // a viewer's hello counts too
                        close(CloseCodes.HELLO_TIMEOUT, "no hello within " + limits.helloTimeout().toSeconds() + " s");
                    }
                }, limits.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } else if (evt instanceof IdleStateEvent) {
                close(CloseCodes.IDLE_TIMEOUT, "idle for " + limits.idleTimeout().toSeconds() + " s");
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!(frame instanceof TextWebSocketFrame text)) {
                error(ErrorCode.MALFORMED_JSON, null, "messages are JSON text frames");
                return;
            }
            if (!allowMessage()) {
                close(CloseCodes.RATE_LIMITED, "more than " + limits.messagesPerSecond() + " messages per second");
                return;
            }
            JsonNode msg;
            try {
                msg = JSON.readTree(text.text());
            } catch (Exception e) {
                error(ErrorCode.MALFORMED_JSON, null, "not valid JSON: " + oneLine(e.getMessage()));
                return;
            }
            if (msg == null || !msg.isObject()) {
                error(ErrorCode.MALFORMED_JSON, null, "a message is a JSON object");
                return;
            }
            String type = msg.path("type").asText(null);
            if (type == null) {
                error(ErrorCode.MISSING_FIELD, "type", "every message has a string 'type'");
                return;
            }
            if (!type.equals("hello") && !type.equals("ping") && shardId == null && viewer == null) {
                error(ErrorCode.NOT_AUTHENTICATED, null, "say hello first");
                return;
            }
            switch (type) {
                case "hello" -> hello(msg);
                case "ping" -> {
                    ObjectNode pong = message("pong");
                    if (msg.has("id")) pong.set("id", msg.get("id"));
                    send(pong);
                }
                case "offer" -> offer(msg);
                case "answer" -> answer(msg);
                case "candidate" -> {
                    // The relay is ICE-lite: it never needs remote candidates; accepted for compatibility.
                    if (!msg.path("candidate").isTextual()) error(ErrorCode.MISSING_FIELD, "candidate", "candidate needs 'candidate'");
                }
                case "room.state", "chat" -> {
                    if (shardId == null) {
                        error(ErrorCode.INVALID_FIELD, "type", type + " comes from shards, not viewers");
                    } else if (type.equals("chat")) {
                        chat(msg);
                    } else {
                        roomState(msg);
                    }
                }
                case "bye" -> close(CloseCodes.NORMAL, "bye");
                default -> error(ErrorCode.UNKNOWN_TYPE, "type", "unknown message type '" + type + "'");
            }
        }

        /** A token bucket: {@code messagesPerSecond} per second, bursts up to the same. */
        private boolean allowMessage() {
            long now = System.nanoTime();
            tokens = Math.min(limits.messagesPerSecond(), tokens + (now - lastRefill) / 1e9 * limits.messagesPerSecond());
            lastRefill = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }

        private void hello(JsonNode msg) {
            if (shardId != null || viewer != null || authenticating) {
                error(ErrorCode.INVALID_FIELD, "type", "hello was already said");
                return;
            }
            if (!msg.has("v")) {
                error(ErrorCode.MISSING_FIELD, "v", "hello needs the protocol version 'v'");
                return;
            }
            if (msg.path("v").asInt(-1) != VERSION) {
                close(CloseCodes.UNSUPPORTED_VERSION, "this relay speaks protocol version " + VERSION);
                return;
            }
            String role = msg.path("role").asText(null);
            if (role == null) {
                error(ErrorCode.MISSING_FIELD, "role", "hello needs 'role'");
                return;
            }
            if (role.equals("viewer")) {
                helloViewer(msg);
                return;
            }
            if (!role.equals("shard")) {
                error(ErrorCode.INVALID_FIELD, "role", "role must be 'shard' or 'viewer'");
                return;
            }
            String shard = msg.path("shard").asText(null);
            String token = msg.path("token").asText(null);
            if (shard == null || shard.isBlank()) {
                error(ErrorCode.MISSING_FIELD, "shard", "a shard says its id in 'shard'");
                return;
            }
            if (token == null) {
                error(ErrorCode.MISSING_FIELD, "token", "a shard authenticates with 'token'");
                return;
            }
            authenticating = true;
            Thread.ofVirtual().start(() -> {
                boolean ok;
                try {
                    ok = authenticator.authenticate(shard, token);
                } catch (RuntimeException e) {
                    log.warn("shard authentication failed with an error: {}", e.toString());
                    ok = false;
                }
                boolean accepted = ok;
                channel.eventLoop().execute(() -> authenticated(shard, accepted));
            });
        }

        private void helloViewer(JsonNode msg) {
            String invite = msg.path("invite").asText(null);
            if (invite == null) {
                error(ErrorCode.MISSING_FIELD, "invite", "a viewer shows its invite in 'invite'");
                return;
            }
            Invites inv = invites;
            var admitted = inv == null ? java.util.Optional.<Invites.Invite>empty() : inv.verify(invite);
            if (admitted.isEmpty()) {
                // Forged, expired, or spectators not enabled: the same delayed close as a wrong token.
                authenticating = true;
                channel.eventLoop().schedule(() -> close(CloseCodes.AUTHENTICATION_FAILED, "invite not valid"),
                        limits.authFailureDelay().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            viewer = admitted.get();
            ObjectNode welcome = message("welcome").put("v", VERSION).put("session", sessionId).put("role", "viewer")
                    .put("binding", viewer.binding()).put("name", viewer.viewerName());
            iceServersInto(welcome);
            send(welcome);
            audience.join(viewer.binding(), toViewer);
        }

        private void authenticated(String shard, boolean ok) {
            authenticating = false;
            if (!ok) {
                // The same fixed delay for every failure, so timing tells nothing; then a documented close.
                channel.eventLoop().schedule(() -> close(CloseCodes.AUTHENTICATION_FAILED, "authentication failed"),
                        limits.authFailureDelay().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            shardId = shard;
            Connection previous = shards.put(shard, this);
            if (previous != null && previous != this) {
                previous.channel.eventLoop().execute(() -> previous.close(CloseCodes.REPLACED, "replaced by a new connection of shard " + shard));
            }
            ObjectNode welcome = message("welcome").put("v", VERSION).put("session", sessionId).put("shard", shard)
                    .put("binding", hooks.bindingOf(shard));
            iceServersInto(welcome);
            send(welcome);
            log.info("shard {} connected from {}", shard, address.getHostAddress());
        }

        private void roomState(JsonNode msg) {
            try {
                RoomState state = RoomState.from(msg);
                hooks.roomState(shardId, state);
                tellViewersOf(shardId, roomStateForViewers(state));
            } catch (RoomState.Invalid e) {
                error(e.missing ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD, e.field, e.getMessage());
            }
        }

        private void chat(JsonNode msg) {
            JsonNode from = msg.path("from");
            String text = msg.path("text").asText(null);
            if (text == null) {
                error(ErrorCode.MISSING_FIELD, "text", "chat needs 'text'");
                return;
            }
            if (text.length() > RoomState.MAX_TEXT) {
                error(ErrorCode.INVALID_FIELD, "text", "chat text is at most " + RoomState.MAX_TEXT + " characters");
                return;
            }
            if (!from.isObject() || !from.path("id").isTextual() || !from.path("name").isTextual()) {
                error(ErrorCode.MISSING_FIELD, "from", "chat needs 'from': {id, name} of the player");
                return;
            }
            hooks.chat(shardId, from.get("id").asText(), from.get("name").asText(), text);
        }

        private void offer(JsonNode msg) {
            String sdp = msg.path("sdp").asText(null);
            if (sdp == null) {
                error(ErrorCode.MISSING_FIELD, "sdp", "offer needs 'sdp'");
                return;
            }
            try {
                if (media != null) endpoint.close(media, "replaced by a new offer");
                media = viewer != null
                        ? endpoint.accept(sdp, viewerTracks(), false, hooks.viewerSink(viewer, viewerTracks()))
                        : endpoint.accept(sdp, hooks.sendingTo(shardId), true, hooks.sinkFor(shardId));
                send(message("answer").put("sdp", media.answerSdp()));
                answered(); // a new session: what the relay offered on the old one is offered again by the binding
                flushTrackOffers();
            } catch (SdpException e) {
                error(ErrorCode.BAD_SDP, "sdp", e.getMessage());
            }
        }

        private void answer(JsonNode msg) {
            String sdp = msg.path("sdp").asText(null);
            if (sdp == null) {
                error(ErrorCode.MISSING_FIELD, "sdp", "answer needs 'sdp'");
                return;
            }
            if (media == null) {
                error(ErrorCode.NO_SESSION, "type", "no offer from the relay is waiting for an answer");
                return;
            }
            try {
                endpoint.applyAnswer(media, sdp);
            } catch (SdpException e) {
                error(ErrorCode.BAD_SDP, "sdp", e.getMessage());
            } finally {
                answered();
                flushTrackOffers();
            }
        }

        private void iceServersInto(ObjectNode welcome) {
            var list = welcome.putArray("iceServers");
            for (String url : iceServers) list.addObject().putArray("urls").add(url);
        }

        void offerTracks(List<SdpAnswerer.Track> tracks) {
            queuedTracks.addAll(tracks);
            flushTrackOffers();
        }

        // on the connection's loop: offers what is queued, unless an offer awaits its answer or there is no session yet
        private void flushTrackOffers() {
            if (media == null || offerOutstanding || queuedTracks.isEmpty()) return;
            try {
                String sdp = endpoint.reoffer(media, List.copyOf(queuedTracks));
                offeredTracks = List.copyOf(queuedTracks);
                queuedTracks.clear();
                offerOutstanding = true;
                offerAttempts++;
                answerTimer = channel.eventLoop().schedule(this::answerTimedOut, limits.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
                send(message("offer").put("sdp", sdp));
            } catch (SdpException e) {
                queuedTracks.clear();
                log.warn("cannot offer tracks to shard {}: {}", shardId, e.getMessage());
            }
        }

        private void answered() {
            offerOutstanding = false;
            offeredTracks = List.of();
            offerAttempts = 0;
            if (answerTimer != null) answerTimer.cancel(false);
            answerTimer = null;
        }

        // The shard did not answer: the offer is made again from the last agreed description, with its
        // tracks first (an answer to the old one would no longer fit and gets a bad_sdp error).
        private void answerTimedOut() {
            if (!offerOutstanding || channel == null || !channel.isActive()) return;
            answerTimer = null;
            offerOutstanding = false;
            queuedTracks.addAll(0, offeredTracks);
            offeredTracks = List.of();
            if (offerAttempts >= SignalingLimits.OFFER_ATTEMPTS) {
                log.warn("shard {} answered none of {} relay offers ({} s each); its tracks are offered again with the next change",
                        shardId, offerAttempts, limits.answerTimeout().toSeconds());
                offerAttempts = 0;
                return;
            }
            log.info("shard {} did not answer the relay's offer within {} ms; offering again", shardId, limits.answerTimeout().toMillis());
            flushTrackOffers();
        }

        /** What the relay sends a viewer: the world's video and the world's and Discord's audio. */
        private Map<String, SdpAnswerer.Track> viewerTracks() {
            return Map.of("video", new SdpAnswerer.Track(viewerVideoSsrc(), "world", "video"),
                    "audio", new SdpAnswerer.Track(viewerVideoSsrc() + 1, "world", "audio"));
        }

        /** A per-connection SSRC for what the relay sends a viewer (video, and audio at +1). */
        private long viewerVideoSsrc() {
            return (sessionId.hashCode() & 0x0fffffffL) << 1 | 0x10000000L;
        }

        /** Sends a relay offer (e.g. adding per-speaker tracks) on this connection. */
        void send(ObjectNode m) {
            if (channel != null && channel.isActive()) channel.writeAndFlush(new TextWebSocketFrame(m.toString()));
        }

        private void error(ErrorCode code, String field, String text) {
            ObjectNode e = message("error").put("code", code.wire()).put("message", text);
            if (field != null) e.put("field", field);
            send(e);
        }

        void close(int code, String reason) {
            if (channel == null || !channel.isActive()) return;
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(f -> channel.close());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (counted && address != null) {
                AtomicInteger n = perAddress.get(address);
                if (n != null && n.decrementAndGet() <= 0) perAddress.remove(address, n);
            }
            if (shardId != null) shards.remove(shardId, this);
            if (viewer != null) audience.leave(viewer.binding(), toViewer);
            if (media != null) endpoint.close(media, "signaling connection closed");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("signaling connection closed: {}", cause.toString());
            ctx.close();
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").trim();
    }
}
