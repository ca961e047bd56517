package org.inwardportal.discord.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.inwardportal.relay.net.IoTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-in's voice server: the voice gateway v8 over TLS ({@code wss://localhost:P/?v=8}) and
 * the voice UDP socket (IP discovery, then AEAD-encrypted RTP). Emulated members' speech is sent
 * from here to each bot in their channel; what a bot sends is decrypted and handed to the members
 * who listen in that channel.
 */
final class VoiceServer {
    private static final Logger log = LoggerFactory.getLogger(VoiceServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> MODES = List.of(AesGcmRtpSize.MODE, XChaCha20Poly1305RtpSize.MODE);
    static final int DISCOVERY_LENGTH = 74;
    static final byte OPUS_PAYLOAD_TYPE = 0x78;

    private final StandInWorld world;
    private final Faults faults;
    private final SslContext tls;
    private final EventLoopGroup group;
    private final IoTransport transport;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger ssrcs = new AtomicInteger(1000);
    /** Issued by VOICE_SERVER_UPDATE, keyed by token. */
    private final Map<String, VoiceConnection> pending = new ConcurrentHashMap<>();
    private final Map<Long, VoiceConnection> byUser = new ConcurrentHashMap<>();
    private final Map<Integer, VoiceConnection> bySsrc = new ConcurrentHashMap<>();
    private final Map<Long, EmulatedMember> members = new ConcurrentHashMap<>();
    private final AtomicLong garbagePackets = new AtomicLong();
    private final AtomicLong rejectedPackets = new AtomicLong();
    private final AtomicLong emptyDatagrams = new AtomicLong();
    private final Map<Long, AtomicInteger> identifies = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> resumes = new ConcurrentHashMap<>();
    private final AtomicLong replayedMessages = new AtomicLong();
    private final AtomicLong botToBotFrames = new AtomicLong();
    /** How long a session whose socket went away may be resumed; then it ends and leaves its DAVE group. */
    private volatile java.time.Duration resumeWindow = java.time.Duration.ofSeconds(10);
    private volatile boolean requireDave;
    /** The voice gateway speaks DAVE protocol version 1 (issue 10); null: off, protocol version 0. */
    private volatile StandInDave dave;
    private final AtomicLong botFrames = new AtomicLong();
    private final AtomicLong botDaveFrames = new AtomicLong();
    private final AtomicLong memberDecryptFailures = new AtomicLong();
    private final AtomicLong memberFramesWithheld = new AtomicLong();
    private final AtomicLong daveRequiredCloses = new AtomicLong();
    private volatile List<String> offeredModes = MODES;
    private Channel wsChannel;
    private Channel udpChannel;

    VoiceServer(StandInWorld world, Faults faults, SslContext tls, EventLoopGroup group, IoTransport transport) {
        this.world = world;
        this.faults = faults;
        this.tls = tls;
        this.group = group;
        this.transport = transport;
    }

    void start() throws InterruptedException {
        wsChannel = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/").checkStartsWith(true).allowExtensions(true)
                                        .maxFramePayloadLength(65536).build()))
                                .addLast(new GatewayHandler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        udpChannel = new Bootstrap().group(group).channel(transport.datagramChannel())
                .handler(new UdpHandler()).bind("127.0.0.1", 0).sync().channel();
    }

    void stop() {
        StandInDave d = dave;
        if (d != null) d.close();
        if (wsChannel != null) wsChannel.close().syncUninterruptibly();
        if (udpChannel != null) udpChannel.close().syncUninterruptibly();
        byUser.values().forEach(c -> {
            Channel s = c.socket;
            if (s != null) s.close();
        });
    }

    /** host:port as Discord's VOICE_SERVER_UPDATE gives it ("localhost": JDA cannot parse 127.0.0.1:P there). */
    String endpoint() {
        return "localhost:" + ((InetSocketAddress) wsChannel.localAddress()).getPort();
    }

    int udpPort() {
        return ((InetSocketAddress) udpChannel.localAddress()).getPort();
    }

    long garbagePackets() {
        return garbagePackets.get();
    }

    long rejectedPackets() {
        return rejectedPackets.get();
    }

    /** Zero-length datagrams (JDA 6.5 sends one every 20 ms while it has nothing to say). */
    long emptyDatagrams() {
        return emptyDatagrams.get();
    }

    int identifies(long userId) {
        AtomicInteger n = identifies.get(userId);
        return n == null ? 0 : n.get();
    }

    /** Voice RESUMEs answered with RESUMED for this bot. */
    int resumes(long userId) {
        AtomicInteger n = resumes.get(userId);
        return n == null ? 0 : n.get();
    }

    /** Sequenced messages sent again to resuming bots (voice gateway v8 buffered resume). */
    long replayedMessages() {
        return replayedMessages.get();
    }

    /** Frames one bot sent that were forwarded to another bot in its channel. */
    long botToBotFrames() {
        return botToBotFrames.get();
    }

    void resumeWindow(java.time.Duration window) {
        this.resumeWindow = window;
    }

    /** The encryption modes READY offers (JDA picks the first it supports in its own order). */
    void offerModes(List<String> modes) {
        if (modes.isEmpty() || !MODES.containsAll(modes)) throw new IllegalArgumentException("modes must be among " + MODES);
        this.offeredModes = List.copyOf(modes);
    }

    void requireDave(boolean require) {
        this.requireDave = require;
    }

    /**
     * DAVE on: SESSION_DESCRIPTION carries protocol version 1, the gateway runs each channel's MLS
     * group (external sender, proposals, commits, welcomes, transitions) and emulated members are
     * DAVE participants. As Discord does since 2026-03-01, a client offering version 0 is closed
     * with 4017. Call before anyone joins voice.
     */
    synchronized void enableDave() {
        if (dave == null) dave = new StandInDave();
    }

    StandInDave dave() {
        return dave;
    }

    /** Opus frames bots sent, and how many of them were DAVE protocol frames (ending in the FA FA marker). */
    long botFrames() {
        return botFrames.get();
    }

    long botDaveFrames() {
        return botDaveFrames.get();
    }

    /** Frames from a bot a listening member's DAVE session could not decrypt. */
    long memberDecryptFailures() {
        return memberDecryptFailures.get();
    }

    long daveRequiredCloses() {
        return daveRequiredCloses.get();
    }

    /** Member frames not sent because the member's DAVE session could not produce one. */
    long memberFramesWithheld() {
        return memberFramesWithheld.get();
    }

    /** A fresh voice token for a bot that asked to join voice (answers gateway op 4). */
    String issueToken(long guildId, long userId, String sessionId) {
        String token = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        VoiceConnection previous = byUser.get(userId);
        VoiceConnection c = new VoiceConnection(userId, guildId, sessionId, token,
                previous != null ? previous.ssrc : ssrcs.incrementAndGet());
        pending.put(token, c);
        return token;
    }

    /** The bot left voice: its session ends. */
    void disconnect(long userId) {
        VoiceConnection c = byUser.remove(userId);
        if (c != null) {
            c.end();
            leaveDave(c);
            bySsrc.remove(c.ssrc);
            Channel s = c.socket;
            if (s != null) s.close();
        }
    }

    /** Fault injection: close a bot's voice WebSocket with a close code. */
    boolean close(long userId, int code, String reason) {
        VoiceConnection c = byUser.get(userId);
        Channel s = c == null ? null : c.socket;
        if (s == null) {
            return false;
        }
        // These codes end the session (a client cannot resume it); others, e.g. 4015, leave it resumable.
        if ((code == 4006 || code == 4009 || code == 4014) && c.end()) leaveDave(c);
        closeWith(s, code, reason);
        return true;
    }

    /** The transport encryption mode a bot's voice session uses, or null. */
    String mode(long userId) {
        VoiceConnection c = byUser.get(userId);
        return c == null || c.cipher == null ? null : c.cipher.mode();
    }

    boolean ready(long userId) {
        VoiceConnection c = byUser.get(userId);
        return c != null && c.mediaReady();
    }

    /** Fault injection: random datagrams and RTP with forged tags, sent to a bot's voice socket. */
    int injectGarbage(long userId, int count) {
        VoiceConnection c = byUser.get(userId);
        if (c == null || !c.mediaReady()) return 0;
        for (int i = 0; i < count; i++) {
            byte[] junk = new byte[1 + random.nextInt(300)];
            random.nextBytes(junk);
            if (i % 2 == 1 && junk.length > 40) {
                junk[0] = (byte) 0x80; // looks like RTP from a known member, but the tag cannot verify
                junk[1] = OPUS_PAYLOAD_TYPE;
                members.values().stream().findFirst().ifPresent(m -> ByteBuffer.wrap(junk, 8, 4).putInt(m.ssrc()));
            }
            sendUdp(c.udpAddress, junk);
        }
        return count;
    }

    void addMember(EmulatedMember m) {
        members.put(m.user().id(), m);
    }

    // ---- what members do ----

    /** A member entered or left a voice channel: bots in that channel learn of it (ops 11 / 13). */
    void memberMoved(EmulatedMember m, Long fromChannel, Long toChannel) {
        StandInDave d = dave;
        if (d != null) {
            long id = m.user().id();
            if (fromChannel != null) {
                d.memberLeft(fromChannel, id);
                d.userPresence(fromChannel, id, false);
            }
            if (toChannel != null) {
                d.userPresence(toChannel, id, true);
                d.memberJoined(toChannel, id, usersIn(toChannel, id));
            }
        }
        for (VoiceConnection c : byUser.values()) {
            Long botChannel = world.voiceChannelOf(c.userId).orElse(null);
            if (botChannel == null) continue;
            if (botChannel.equals(toChannel)) {
                send(c, 11, JSON.createObjectNode().set("user_ids", JSON.createArrayNode().add(String.valueOf(m.user().id()))));
            } else if (botChannel.equals(fromChannel)) {
                send(c, 13, JSON.createObjectNode().put("user_id", String.valueOf(m.user().id())));
                c.announcedSsrcs.remove(m.ssrc()); // JDA forgets the SSRC's user on op 13
            }
        }
    }

    /** Op 5: maps the member's SSRC to its user for every bot in its channel; true when one of them learnt it just now. */
    boolean memberSpeaking(EmulatedMember m, boolean speaking) {
        boolean firstTold = false;
        for (VoiceConnection c : botsInChannelOf(m)) {
            send(c, 5, JSON.createObjectNode().put("user_id", String.valueOf(m.user().id()))
                    .put("ssrc", m.ssrc()).put("speaking", speaking ? 1 : 0));
            firstTold |= c.announcedSsrcs.add(m.ssrc());
        }
        return firstTold;
    }

    /** One Opus frame from a member to every bot in its channel, encrypted for each. */
    int memberFrame(EmulatedMember m, int sequence, long timestamp, byte[] opus) {
        int sent = 0;
        StandInDave d = dave;
        if (d != null) {
            opus = d.encryptFromMember(m.user().id(), opus); // as the member's client sends it: end-to-end encrypted
            if (opus == null) {
                memberFramesWithheld.incrementAndGet();
                return 0;
            }
        }
        for (VoiceConnection c : botsInChannelOf(m)) {
            if (sendRtp(c, m.ssrc(), sequence, timestamp, opus)) sent++;
        }
        return sent;
    }

    /** One Opus frame (as its sender's client made it: DAVE frames stay end-to-end encrypted) to a bot, under the bot's transport encryption. */
    private boolean sendRtp(VoiceConnection to, int ssrc, int sequence, long timestamp, byte[] opus) {
        if (!to.mediaReady()) return false;
        // Like Discord: a one-element header extension (RFC 8285 one-byte form) whose body is encrypted.
        byte[] header = ByteBuffer.allocate(16).put((byte) 0x90).put(OPUS_PAYLOAD_TYPE).putShort((short) sequence)
                .putInt((int) timestamp).putInt(ssrc).putShort((short) 0xBEDE).putShort((short) 1).array();
        byte[] plain = new byte[4 + opus.length];
        plain[0] = 0x10; // id 1, length 1: audio level
        plain[1] = (byte) 0x7f;
        System.arraycopy(opus, 0, plain, 4, opus.length);
        try {
            sendUdp(to.udpAddress, to.cipher.seal(header, plain, to.nextCounter()));
            return true;
        } catch (GeneralSecurityException e) {
            log.warn("cannot encrypt a frame for {}: {}", to.userId, e.toString());
            return false;
        }
    }

    /** Users in a voice channel as DAVE sees them: members, and bots whose voice session speaks DAVE there. */
    private List<Long> usersIn(long channel, long except) {
        List<Long> users = new java.util.ArrayList<>();
        members.values().stream().map(x -> x.user().id())
                .filter(u -> u != except && Long.valueOf(channel).equals(world.voiceChannelOf(u).orElse(null))).forEach(users::add);
        byUser.values().stream().filter(c -> c.daveChannel != null && c.daveChannel == channel && c.userId != except)
                .forEach(c -> users.add(c.userId));
        return users;
    }

    private void leaveDave(VoiceConnection c) {
        StandInDave d = dave;
        Long channel = c.daveChannel;
        if (d == null || channel == null) return;
        c.daveChannel = null;
        d.participantLeft(channel, c.userId);
        d.userPresence(channel, c.userId, false);
    }

    /** The gateway → bot direction of DAVE: binary ops as [u16 sequence][u8 opcode][payload], the others JSON. */
    private DaveParticipantLink botLink(VoiceConnection c) {
        return new DaveParticipantLink() {
            @Override
            public long userId() {
                return c.userId;
            }

            @Override
            public void externalSender(byte[] p) {
                sendBinary(c, 25, -1, p);
            }

            @Override
            public void proposals(byte[] payload) {
                sendBinary(c, 27, -1, payload);
            }

            @Override
            public void announceCommit(int transitionId, byte[] commit) {
                sendBinary(c, 29, transitionId, commit);
            }

            @Override
            public void welcome(int transitionId, byte[] welcome) {
                sendBinary(c, 30, transitionId, welcome);
            }

            @Override
            public void prepareTransition(int transitionId, int protocolVersion) {
                send(c, 21, JSON.createObjectNode().put("transition_id", transitionId).put("protocol_version", protocolVersion));
            }

            @Override
            public void executeTransition(int transitionId) {
                send(c, 22, JSON.createObjectNode().put("transition_id", transitionId));
            }

            @Override
            public void prepareEpoch(long epoch, int protocolVersion) {
                send(c, 24, JSON.createObjectNode().put("epoch", epoch).put("protocol_version", protocolVersion));
            }
        };
    }

    private void sendBinary(VoiceConnection c, int op, int transitionId, byte[] payload) {
        c.sendSequenced(true, seq -> {
            ByteBuffer b = ByteBuffer.allocate(3 + (transitionId >= 0 ? 2 : 0) + payload.length);
            b.putShort((short) seq).put((byte) op);
            if (transitionId >= 0) b.putShort((short) transitionId);
            return b.put(payload).array();
        });
    }

    private List<VoiceConnection> botsInChannelOf(EmulatedMember m) {
        Long channel = world.voiceChannelOf(m.user().id()).orElse(null);
        if (channel == null) return List.of();
        return byUser.values().stream().filter(c -> channel.equals(world.voiceChannelOf(c.userId).orElse(null))).toList();
    }

    private void sendUdp(InetSocketAddress to, byte[] packet) {
        if (faults.dropPacket()) return;
        DatagramPacket p = new DatagramPacket(Unpooled.wrappedBuffer(packet), to);
        long delay = faults.delayNanos();
        if (delay > 0) {
            udpChannel.eventLoop().schedule(() -> udpChannel.writeAndFlush(p), delay, TimeUnit.NANOSECONDS);
        } else {
            udpChannel.writeAndFlush(p);
        }
    }

    // ---- voice gateway ----

    private void send(VoiceConnection c, int op, JsonNode d) {
        c.sendSequenced(false, seq -> {
            ObjectNode msg = JSON.createObjectNode().put("op", op);
            msg.set("d", d);
            msg.put("seq", seq);
            return VoiceConnection.utf8(msg.toString());
        });
    }

    private static void sendRaw(Channel ch, int op, JsonNode d) {
        ObjectNode msg = JSON.createObjectNode().put("op", op);
        msg.set("d", d);
        ch.writeAndFlush(new TextWebSocketFrame(msg.toString()));
    }

    private static void closeWith(Channel ch, int code, String reason) {
        ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(f -> ch.close());
    }

    private final class GatewayHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private VoiceConnection conn;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                sendRaw(ctx.channel(), 8, JSON.createObjectNode().put("heartbeat_interval", 13750).put("v", 8));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame binary) {
                daveBinary(ctx.channel(), binary.content());
                return;
            }
            if (!(frame instanceof TextWebSocketFrame text)) {
                return;
            }
            JsonNode msg;
            try {
                msg = JSON.readTree(text.text());
            } catch (Exception e) {
                closeWith(ctx.channel(), 4020, "bad request: not JSON");
                return;
            }
            int op = msg.path("op").asInt(-1);
            JsonNode d = msg.path("d");
            switch (op) {
                case 0 -> identify(ctx.channel(), d);
                case 7 -> resume(ctx.channel(), d);
                case 3 -> {
                    if (conn != null && d.has("seq_ack")) conn.acknowledge(d.path("seq_ack").asLong());
                    if (!faults.ignoreHeartbeats()) {
                        long t = d.isObject() ? d.path("t").asLong() : d.asLong();
                        sendRaw(ctx.channel(), 6, JSON.createObjectNode().put("t", t));
                    }
                }
                case 1 -> selectProtocol(ctx.channel(), d);
                case 5 -> botSpeaking(d);
                case 23, 31 -> daveText(ctx.channel(), op, d);
                default -> {
                    if (conn == null) closeWith(ctx.channel(), 4003, "not authenticated");
                }
            }
        }

        /** Ops 26 (key package) and 28 (commit + welcome): [u8 opcode][payload]. */
        private void daveBinary(Channel ch, ByteBuf content) {
            StandInDave dv = dave;
            if (conn == null) {
                closeWith(ch, 4003, "not authenticated");
                return;
            }
            Long channel = conn.daveChannel;
            if (dv == null || channel == null || content.readableBytes() < 1) return;
            int op = content.getUnsignedByte(content.readerIndex());
            byte[] payload = new byte[content.readableBytes() - 1];
            content.getBytes(content.readerIndex() + 1, payload);
            switch (op) {
                case 26 -> dv.keyPackage(channel, conn.userId, payload);
                case 28 -> dv.commitWelcome(channel, conn.userId, payload);
                default -> log.debug("voice gateway: unknown binary op {} from {}", op, conn.userId);
            }
        }

        /** Ops 23 (ready for transition) and 31 (invalid commit or welcome). */
        private void daveText(Channel ch, int op, JsonNode d) {
            StandInDave dv = dave;
            if (conn == null) {
                closeWith(ch, 4003, "not authenticated");
                return;
            }
            Long channel = conn.daveChannel;
            if (dv == null || channel == null) return;
            int transitionId = d.path("transition_id").asInt(-1);
            if (op == 23) dv.ready(channel, conn.userId, transitionId);
            else dv.invalidCommitWelcome(channel, conn.userId, transitionId);
        }

        private void identify(Channel ch, JsonNode d) {
            if (conn != null) {
                closeWith(ch, 4005, "already authenticated");
                return;
            }
            VoiceConnection c = pending.remove(d.path("token").asText(""));
            if (c != null) identifies.computeIfAbsent(c.userId, k -> new AtomicInteger()).incrementAndGet();
            if (c == null || !String.valueOf(c.userId).equals(d.path("user_id").asText())
                    || !c.sessionId.equals(d.path("session_id").asText())) {
                closeWith(ch, 4004, "authentication failed");
                return;
            }
            int maxDave = d.path("max_dave_protocol_version").asInt(0);
            if ((requireDave || dave != null) && maxDave < 1) {
                daveRequiredCloses.incrementAndGet();
                closeWith(ch, 4017, "E2EE/DAVE protocol required");
                return;
            }
            VoiceConnection old = byUser.put(c.userId, c);
            if (old != null && old != c) {
                old.end();
                leaveDave(old); // whitepaper "Member Remove": re-added with a new key package
                Channel oldSocket = old.socket;
                if (oldSocket != null && oldSocket != ch) oldSocket.close();
            }
            bySsrc.put(c.ssrc, c);
            c.socket = ch;
            conn = c;
            ObjectNode ready = JSON.createObjectNode().put("ssrc", c.ssrc).put("ip", "127.0.0.1").put("port", udpPort());
            ready.set("modes", JSON.valueToTree(offeredModes));
            ready.put("heartbeat_interval", 13750);
            send(c, 2, ready);
        }

        /**
         * Voice gateway v8 RESUME: RESUMED, then every sequenced message after the client's
         * {@code seq_ack} ("buffered resume"), so the session, its DAVE group membership included,
         * carries on. A session past its resume window gets 4006.
         */
        private void resume(Channel ch, JsonNode d) {
            VoiceConnection c = byUser.values().stream()
                    .filter(v -> v.sessionId.equals(d.path("session_id").asText()) && v.token.equals(d.path("token").asText()))
                    .findFirst().orElse(null);
            if (c == null || !c.resumable) {
                closeWith(ch, 4006, "session no longer valid");
                return;
            }
            long seqAck = d.path("seq_ack").asLong(-1);
            Runnable answer = () -> {
                if (!ch.isActive() || !c.resumable) return;
                Channel previous = c.socket;
                if (previous != null && previous != ch) previous.close();
                sendRaw(ch, 9, JSON.nullNode());
                replayedMessages.addAndGet(c.resumeOn(ch, seqAck));
                conn = c;
                resumes.computeIfAbsent(c.userId, k -> new AtomicInteger()).incrementAndGet();
            };
            long delay = faults.voiceResumeDelayNanos();
            if (delay > 0) ch.eventLoop().schedule(answer, delay, TimeUnit.NANOSECONDS);
            else answer.run();
        }

        /** A bot's op 5: the other bots in its channel learn its SSRC, as they do a member's. */
        private void botSpeaking(JsonNode d) {
            if (conn == null) return;
            VoiceConnection from = conn;
            from.speaking = d.path("speaking").asInt(0);
            Long channel = world.voiceChannelOf(from.userId).orElse(null);
            if (channel == null) return;
            for (VoiceConnection o : byUser.values()) {
                if (o != from && channel.equals(world.voiceChannelOf(o.userId).orElse(null))) send(o, 5, speakingOf(from));
            }
        }

        private ObjectNode speakingOf(VoiceConnection c) {
            return JSON.createObjectNode().put("user_id", String.valueOf(c.userId)).put("ssrc", c.ssrc).put("speaking", c.speaking);
        }

        private void selectProtocol(Channel ch, JsonNode d) {
            if (conn == null) {
                closeWith(ch, 4003, "not authenticated");
                return;
            }
            String mode = d.path("data").path("mode").asText("");
            if (!offeredModes.contains(mode)) {
                closeWith(ch, 4016, "unknown encryption mode");
                return;
            }
            byte[] key = new byte[32];
            random.nextBytes(key);
            conn.cipher = TransportCipher.forMode(mode, key);
            ObjectNode desc = JSON.createObjectNode().put("mode", mode).put("audio_codec", "opus")
                    .put("media_session_id", Long.toHexString(random.nextLong())).put("dave_protocol_version", dave != null ? 1 : 0);
            var keyArray = desc.putArray("secret_key");
            for (byte b : key) keyArray.add(b & 0xff);
            send(conn, 4, desc);
            // Who is already in the channel (op 11), then their SSRCs (op 5) so their audio is attributed.
            Long channel = world.voiceChannelOf(conn.userId).orElse(null);
            var ids = JSON.createArrayNode();
            members.values().stream().filter(m -> channel != null && channel.equals(world.voiceChannelOf(m.user().id()).orElse(null)))
                    .forEach(m -> ids.add(String.valueOf(m.user().id())));
            StandInDave dv = dave;
            if (dv != null && channel != null) {
                // With DAVE, other bots in the call are group members too: they are announced as well.
                byUser.values().stream().filter(o -> o != conn && o.daveChannel != null && o.daveChannel.equals(channel))
                        .forEach(o -> ids.add(String.valueOf(o.userId)));
            }
            if (!ids.isEmpty()) {
                send(conn, 11, JSON.createObjectNode().set("user_ids", ids));
            }
            // Bots already in the channel that have spoken: their SSRCs, so their frames are attributed from the start.
            for (VoiceConnection o : byUser.values()) {
                if (o != conn && o.speaking >= 0 && channel != null && channel.equals(world.voiceChannelOf(o.userId).orElse(null))) {
                    send(conn, 5, speakingOf(o));
                }
            }
            if (dv != null && channel != null) {
                leaveDave(conn); // a new voice session of the same bot starts over in the group
                conn.daveChannel = channel;
                for (VoiceConnection o : byUser.values()) {
                    if (o != conn && channel.equals(o.daveChannel)) send(o, 11, JSON.createObjectNode()
                            .set("user_ids", JSON.createArrayNode().add(String.valueOf(conn.userId))));
                }
                dv.userPresence(channel, conn.userId, true);
                dv.participantJoined(channel, botLink(conn));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            VoiceConnection c = conn;
            if (c != null && c.socket == ctx.channel()) {
                // Whitepaper "Member Remove": a severed voice connection leaves the group; it is severed once it can no longer be resumed.
                c.detached(ctx.executor().schedule(() -> {
                    if (c.end()) leaveDave(c);
                }, resumeWindow.toNanos(), TimeUnit.NANOSECONDS));
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("voice gateway connection closed: {}", cause.toString());
            ctx.close();
        }
    }

    // ---- voice UDP ----

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf buf = packet.content();
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            InetSocketAddress from = packet.sender();
            if (bytes.length < 2) {
                if (bytes.length == 0) emptyDatagrams.incrementAndGet();
                else garbagePackets.incrementAndGet();
            } else if (bytes.length == DISCOVERY_LENGTH && bytes[0] == 0 && bytes[1] == 1) {
                discovery(ctx, bytes, from);
            } else if (bytes.length >= 12 + TransportCipher.TAG_BYTES + TransportCipher.COUNTER_BYTES
                    && (bytes[0] & 0xC0) == 0x80 && (bytes[1] & 0x7f) == OPUS_PAYLOAD_TYPE) {
                if (faults.dropPacket()) return;
                long delay = faults.delayNanos();
                if (delay > 0) {
                    ctx.executor().schedule(() -> media(bytes, from), delay, TimeUnit.NANOSECONDS);
                } else {
                    media(bytes, from);
                }
            } else if ((bytes[0] & 0xC0) == 0x80 && (bytes[1] & 0x7f) >= 72 && (bytes[1] & 0x7f) <= 76) {
                // RTCP (RFC 5761 range): Discord clients send receiver reports; nothing to do.
            } else {
                garbagePackets.incrementAndGet(); // keep-alives and noise
            }
        }

        private void discovery(ChannelHandlerContext ctx, byte[] request, InetSocketAddress from) {
            int ssrc = ByteBuffer.wrap(request, 4, 4).getInt();
            VoiceConnection c = bySsrc.get(ssrc);
            if (c == null) {
                rejectedPackets.incrementAndGet();
                return;
            }
            c.udpAddress = from;
            ByteBuffer reply = ByteBuffer.allocate(DISCOVERY_LENGTH).putShort((short) 2).putShort((short) 70).putInt(ssrc);
            byte[] ip = from.getAddress().getHostAddress().getBytes(StandardCharsets.US_ASCII);
            reply.put(ip).position(DISCOVERY_LENGTH - 2);
            reply.putShort((short) from.getPort());
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply.array()), from));
        }

        private void media(byte[] packet, InetSocketAddress from) {
            long now = System.nanoTime();
            int ssrc = ByteBuffer.wrap(packet, 8, 4).getInt();
            VoiceConnection c = bySsrc.get(ssrc);
            if (c == null || !c.mediaReady() || !from.equals(c.udpAddress)) {
                rejectedPackets.incrementAndGet();
                return;
            }
            byte[] plain;
            try {
                plain = c.cipher.open(packet, TransportCipher.aadLength(packet));
            } catch (GeneralSecurityException e) {
                rejectedPackets.incrementAndGet();
                return;
            }
            int skip = TransportCipher.extensionBodyLength(packet);
            byte[] opus = Arrays.copyOfRange(plain, Math.min(skip, plain.length), plain.length);
            botFrames.incrementAndGet();
            if (opus.length >= 11 && (opus[opus.length - 1] & 0xff) == 0xFA && (opus[opus.length - 2] & 0xff) == 0xFA) {
                botDaveFrames.incrementAndGet();
            }
            int seq = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
            long ts = ByteBuffer.wrap(packet, 4, 4).getInt() & 0xffffffffL;
            Long channel = world.voiceChannelOf(c.userId).orElse(null);
            if (channel == null) return;
            StandInDave d = dave;
            Heard heard = new Heard(c.userId, seq, ts, opus, now);
            for (EmulatedMember m : members.values()) {
                if (channel.equals(world.voiceChannelOf(m.user().id()).orElse(null))) {
                    if (d == null) {
                        m.hear(heard);
                        continue;
                    }
                    // Each member's client decrypts with its own DAVE session.
                    byte[] clear = d.decryptForMember(m.user().id(), c.userId, opus);
                    if (clear == null) memberDecryptFailures.incrementAndGet();
                    else m.hear(new Heard(c.userId, seq, ts, clear, now));
                }
            }
            // The SFU forwards a bot's frames to the other bots in its channel too, untouched.
            for (VoiceConnection o : byUser.values()) {
                if (o != c && channel.equals(world.voiceChannelOf(o.userId).orElse(null)) && sendRtp(o, c.ssrc, seq, ts, opus)) {
                    botToBotFrames.incrementAndGet();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("voice udp: {}", cause.toString());
        }
    }
}
