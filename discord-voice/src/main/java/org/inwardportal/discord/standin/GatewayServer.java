package org.inwardportal.discord.standin;

import static org.inwardportal.discord.standin.GatewayPayloads.JSON;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.inwardportal.relay.net.IoTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-in's main gateway (API v10, JSON, no compression) and REST API on one HTTP port:
 * WebSocket upgrades on {@code /}, REST under {@code /api/v10/}.
 */
final class GatewayServer {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;
    private volatile int heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
    /** Dispatches kept per session for RESUME. */
    private static final int REPLAY_BUFFER = 1000;

    private final StandInWorld world;
    private final Faults faults;
    private final VoiceServer voice;
    private final EventLoopGroup group;
    private final IoTransport transport;
    private final RestApi rest;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> presences = new ConcurrentHashMap<>();
    private final Map<Long, Integer> identifies = new ConcurrentHashMap<>();
    private final Map<Long, Integer> resumes = new ConcurrentHashMap<>();
    private Channel server;

    /** One bot's gateway session: survives its socket, so it can be resumed. */
    static final class Session {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final StandInWorld.User bot;
        final Deque<ObjectNode> replay = new ArrayDeque<>();
        volatile Channel socket;
        int seq;
        String voiceSessionId;

        Session(StandInWorld.User bot) {
            this.bot = bot;
        }
    }

    GatewayServer(StandInWorld world, Faults faults, VoiceServer voice, EventLoopGroup group, IoTransport transport) {
        this.world = world;
        this.faults = faults;
        this.voice = voice;
        this.group = group;
        this.transport = transport;
        this.rest = new RestApi(world, this);
    }

    void start() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(rest.handler())
                                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/").checkStartsWith(true).maxFramePayloadLength(1 << 20).build()))
                                .addLast(new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    void stop() {
        if (server != null) server.close().syncUninterruptibly();
        sessions.values().forEach(s -> { if (s.socket != null) s.socket.close(); });
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    List<String> presenceUpdates(long botId) {
        return List.copyOf(presences.getOrDefault(botId, List.of()));
    }

    int identifies(long botId) {
        return identifies.getOrDefault(botId, 0);
    }

    int resumes(long botId) {
        return resumes.getOrDefault(botId, 0);
    }

    void heartbeatInterval(int ms) {
        this.heartbeatIntervalMs = ms;
    }

    /** Drops the bot's gateway TCP connection without a close frame (the client sees 1006). */
    boolean drop(long botId) {
        for (Session s : sessions.values()) {
            if (s.bot.id() == botId && s.socket != null) {
                s.socket.close();
                return true;
            }
        }
        return false;
    }

    /** Sends text frames that are not valid gateway payloads to the bot. */
    boolean garbage(long botId) {
        for (Session s : sessions.values()) {
            if (s.bot.id() == botId && s.socket != null) {
                s.socket.write(new TextWebSocketFrame("{not json"));
                s.socket.write(new TextWebSocketFrame("{\"op\":0,\"t\":\"MESSAGE_CREATE\",\"s\":null,\"d\":{\"id\":\"x\"}}"));
                s.socket.write(new TextWebSocketFrame("{\"op\":42,\"d\":null}"));
                s.socket.writeAndFlush(new TextWebSocketFrame("[]"));
                return true;
            }
        }
        return false;
    }

    boolean close(long botId, int code) {
        for (Session s : sessions.values()) {
            if (s.bot.id() == botId && s.socket != null) {
                Channel ch = s.socket;
                ch.writeAndFlush(new CloseWebSocketFrame(code, "closed by the stand-in")).addListener(f -> ch.close());
                return true;
            }
        }
        return false;
    }

    RestApi rest() {
        return rest;
    }

    /** Sends a dispatch to the sessions of one bot. */
    void dispatchTo(long botId, String type, ObjectNode data) {
        sessions.values().stream().filter(s -> s.bot.id() == botId).forEach(s -> dispatch(s, type, data));
    }

    /** Sends a dispatch to every connected bot session. */
    void broadcast(String type, ObjectNode data) {
        sessions.values().forEach(s -> dispatch(s, type, data));
    }

    void dispatch(Session s, String type, ObjectNode data) {
        synchronized (s) { // sequence numbers reach the client in order
            ObjectNode msg = JSON.createObjectNode().put("op", 0).put("t", type).put("s", ++s.seq);
            msg.set("d", data);
            s.replay.addLast(msg);
            if (s.replay.size() > REPLAY_BUFFER) s.replay.removeFirst();
            Channel ch = s.socket;
            if (ch != null && ch.isActive()) {
                ch.writeAndFlush(new TextWebSocketFrame(msg.toString()));
            }
        }
    }

    void memberAdded(StandInWorld.User u) {
        ObjectNode m = GatewayPayloads.member(world, u);
        m.put("guild_id", String.valueOf(world.guildId()));
        broadcast("GUILD_MEMBER_ADD", m);
    }

    void voiceStateChanged(StandInWorld.User u, Long channelId) {
        broadcast("VOICE_STATE_UPDATE", GatewayPayloads.voiceState(world, u, channelId, "member-" + u.id()));
    }

    void channelUpdated(StandInWorld.GuildChannel c) {
        broadcast("CHANNEL_UPDATE", GatewayPayloads.channel(world, c));
    }

    void channelDeleted(StandInWorld.GuildChannel c) {
        broadcast("CHANNEL_DELETE", GatewayPayloads.channel(world, c));
    }

    Map<Long, String> voiceSessions() {
        Map<Long, String> m = new ConcurrentHashMap<>();
        sessions.values().forEach(s -> { if (s.voiceSessionId != null) m.put(s.bot.id(), s.voiceSessionId); });
        return m;
    }

    private static void send(Channel ch, int op, JsonNode d) {
        ObjectNode msg = JSON.createObjectNode().put("op", op);
        msg.set("d", d);
        ch.writeAndFlush(new TextWebSocketFrame(msg.toString()));
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private Session session;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                send(ctx.channel(), 10, JSON.createObjectNode().put("heartbeat_interval", heartbeatIntervalMs));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            Channel ch = ctx.channel();
            if (!(frame instanceof TextWebSocketFrame text)) {
                close(ch, 4002, "Error while decoding payload.");
                return;
            }
            JsonNode msg;
            try {
                msg = JSON.readTree(text.text());
            } catch (Exception e) {
                close(ch, 4002, "Error while decoding payload.");
                return;
            }
            JsonNode d = msg.path("d");
            switch (msg.path("op").asInt(-1)) {
                case 1 -> {
                    if (!faults.ignoreHeartbeats()) send(ch, 11, JSON.nullNode());
                }
                case 2 -> identify(ch, d);
                case 6 -> resume(ch, d);
                case 3 -> presence(d);
                case 4 -> voiceStateUpdate(d);
                case 8 -> requestMembers(d);
                default -> close(ch, 4001, "Unknown opcode.");
            }
        }

        private void identify(Channel ch, JsonNode d) {
            if (session != null) {
                close(ch, 4005, "Already authenticated.");
                return;
            }
            var bot = world.botByToken(d.path("token").asText(null)).orElse(null);
            if (bot == null) {
                close(ch, 4004, "Authentication failed.");
                return;
            }
            identifies.merge(bot.id(), 1, Integer::sum);
            session = new Session(bot);
            session.socket = ch;
            sessions.put(session.id, session);
            ObjectNode ready = JSON.createObjectNode().put("v", 10);
            ready.set("user", GatewayPayloads.user(bot));
            ready.putArray("guilds").addObject().put("id", String.valueOf(world.guildId())).put("unavailable", true);
            ready.put("session_id", session.id).put("resume_gateway_url", "ws://127.0.0.1:" + port() + "/");
            ready.putObject("application").put("id", String.valueOf(bot.id())).put("flags", 0);
            ready.putArray("private_channels");
            ready.putArray("relationships");
            ready.putArray("presences");
            ready.putObject("user_settings");
            ready.putArray("guild_join_requests");
            ready.putArray("geo_ordered_rtc_regions");
            dispatch(session, "READY", ready);
            dispatch(session, "GUILD_CREATE", GatewayPayloads.guild(world, voiceSessions()));
        }

        private void resume(Channel ch, JsonNode d) {
            Session s = sessions.get(d.path("session_id").asText(""));
            var bot = world.botByToken(d.path("token").asText(null)).orElse(null);
            if (s == null || bot == null || s.bot.id() != bot.id()) {
                send(ch, 9, JSON.getNodeFactory().booleanNode(false));
                return;
            }
            long after = d.path("seq").asLong();
            List<ObjectNode> missed = new ArrayList<>();
            synchronized (s) {
                for (ObjectNode m : s.replay) if (m.path("s").asLong() > after) missed.add(m);
                s.socket = ch;
            }
            session = s;
            resumes.merge(s.bot.id(), 1, Integer::sum);
            missed.forEach(m -> ch.write(new TextWebSocketFrame(m.toString())));
            ch.flush();
            dispatch(s, "RESUMED", JSON.createObjectNode());
        }

        private void presence(JsonNode d) {
            if (session == null) return;
            presences.computeIfAbsent(session.bot.id(), k -> new CopyOnWriteArrayList<>()).add(d.toString());
        }

        /** Op 4: the bot joins, moves or leaves voice; Discord answers with voice state + voice server. */
        private void voiceStateUpdate(JsonNode d) {
            if (session == null) return;
            Long channelId = d.path("channel_id").isNull() || d.path("channel_id").isMissingNode()
                    ? null : d.path("channel_id").asLong();
            if (channelId != null && world.channel(channelId).filter(c -> c.type() == StandInWorld.VOICE).isEmpty()) {
                return; // Discord ignores a join to a channel that is not a voice channel
            }
            world.setVoiceChannel(session.bot.id(), channelId);
            session.voiceSessionId = channelId == null ? null : UUID.randomUUID().toString().replace("-", "");
            broadcast("VOICE_STATE_UPDATE", GatewayPayloads.voiceState(world, session.bot, channelId,
                    session.voiceSessionId == null ? "none" : session.voiceSessionId));
            if (channelId == null) {
                voice.disconnect(session.bot.id());
                return;
            }
            String token = voice.issueToken(world.guildId(), session.bot.id(), session.voiceSessionId);
            dispatch(session, "VOICE_SERVER_UPDATE", JSON.createObjectNode().put("token", token)
                    .put("guild_id", String.valueOf(world.guildId())).put("endpoint", voice.endpoint()));
        }

        private void requestMembers(JsonNode d) {
            if (session == null) return;
            ObjectNode chunk = JSON.createObjectNode().put("guild_id", String.valueOf(world.guildId()))
                    .put("chunk_index", 0).put("chunk_count", 1);
            var members = chunk.putArray("members");
            world.users().forEach(u -> members.add(GatewayPayloads.member(world, u)));
            if (d.has("nonce")) chunk.set("nonce", d.get("nonce"));
            dispatch(session, "GUILD_MEMBERS_CHUNK", chunk);
        }

        private void close(Channel ch, int code, String reason) {
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(f -> ch.close());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (session != null && session.socket == ctx.channel()) {
                session.socket = null;
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("gateway connection closed: {}", cause.toString());
            ctx.close();
        }
    }
}
