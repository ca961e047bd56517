package org.inwardportal.discord.standin;

import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.inwardportal.relay.net.IoTransport;

/**
 * A small, faithful stand-in for the parts of Discord that JDA talks to, on 127.0.0.1: REST
 * ({@code /api/v10}), the gateway (plain WebSocket, JSON, no compression), the voice gateway v8
 * over TLS and voice UDP. Used by the tests and by local mode; see docs/discord-stand-in.md.
 *
 * <pre>
 * DiscordStandIn d = DiscordStandIn.start();
 * StandInWorld.User bot = d.addBot("Portal");
 * EmulatedMember alice = d.addMember("Alice");
 * </pre>
 */
public final class DiscordStandIn implements AutoCloseable {
    private final StandInWorld world;
    private final Faults faults = new Faults();
    private final StandInTls tls = new StandInTls();
    private final IoTransport transport = IoTransport.best();
    private final EventLoopGroup group = transport.newGroup(2, "discord-stand-in");
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stand-in-members");
        t.setDaemon(true);
        return t;
    });
    private final VoiceServer voice;
    private final GatewayServer gateway;
    private final Map<Long, EmulatedMember> members = new ConcurrentHashMap<>();
    private final AtomicInteger memberSsrcs = new AtomicInteger(50_000);

    private DiscordStandIn(StandInWorld world) throws InterruptedException {
        this.world = world;
        this.voice = new VoiceServer(world, faults, tls.serverContext(), group, transport);
        this.gateway = new GatewayServer(world, faults, voice, group, transport);
        voice.start();
        gateway.start();
    }

    /** A stand-in with one guild ("Inward Portal Test"): text channel #world, voice channels "World" and "Lobby". */
    public static DiscordStandIn start() throws InterruptedException {
        return start(System.currentTimeMillis());
    }

    /** The same, with a world made at {@code createdAtMillis}: started again with the same time, it has the same ids. */
    public static DiscordStandIn start(long createdAtMillis) throws InterruptedException {
        StandInWorld w = new StandInWorld("Inward Portal Test", createdAtMillis);
        w.addChannel(StandInWorld.TEXT, "world");
        w.addChannel(StandInWorld.VOICE, "World");
        w.addChannel(StandInWorld.VOICE, "Lobby");
        return new DiscordStandIn(w);
    }

    public static DiscordStandIn start(StandInWorld world) throws InterruptedException {
        return new DiscordStandIn(world);
    }

    public StandInWorld world() {
        return world;
    }

    public Faults faults() {
        return faults;
    }

    /** A bot user with its token; JDA logs in with the token. */
    public StandInWorld.User addBot(String name) {
        String token = "standin." + Long.toHexString(world.nextId()) + "." + Long.toHexString(System.nanoTime());
        return world.addUser(name, true, token);
    }

    public EmulatedMember addMember(String name, StandInWorld.Role... roles) {
        StandInWorld.User u = world.addUser(name, false, null);
        world.grant(u.id(), java.util.List.of(roles));
        EmulatedMember m = new EmulatedMember(this, u, memberSsrcs.incrementAndGet(), clock);
        members.put(u.id(), m);
        voice.addMember(m);
        gateway.memberAdded(u);
        return m;
    }

    public List<EmulatedMember> members() {
        return List.copyOf(members.values());
    }

    /** REST base URL for JDA's {@code RestConfig.setBaseUrl}. */
    public String restBaseUrl() {
        return "http://127.0.0.1:" + gateway.port() + "/api/v10/";
    }

    /** Gateway URL for JDA's session controller. */
    public URI gatewayUri() {
        return URI.create("ws://127.0.0.1:" + gateway.port() + "/");
    }

    /** Trusts the voice gateway's self-signed certificate. */
    public SSLContext clientSslContext() {
        return tls.clientContext();
    }

    // ---- fault injection ----

    /** Closes a bot's gateway connection with a close code (1006-like drops: use 4000). */
    public boolean closeGateway(long botId, int code) {
        return gateway.close(botId, code);
    }

    /** Closes a bot's voice gateway connection with a close code (4006, 4014, 4015, 4017, ...). */
    public boolean closeVoice(long botId, int code) {
        return voice.close(botId, code, "closed by the stand-in");
    }

    /** Sends {@code count} garbage datagrams (random bytes, and RTP with forged tags) to a bot's voice socket. */
    public int injectVoiceGarbage(long botId, int count) {
        return voice.injectGarbage(botId, count);
    }

    /** Drops a bot's gateway TCP connection without a close frame: the client sees 1006. */
    public boolean dropGateway(long botId) {
        return gateway.drop(botId);
    }

    /** Sends malformed and unknown payloads on a bot's gateway connection. */
    public boolean injectGatewayGarbage(long botId) {
        return gateway.garbage(botId);
    }

    /** The heartbeat interval HELLO announces to new gateway connections (Discord: 41.25 s). */
    public void gatewayHeartbeatInterval(Duration interval) {
        gateway.heartbeatInterval((int) interval.toMillis());
    }

    /** Which voice encryption modes READY offers, e.g. only {@code aead_xchacha20_poly1305_rtpsize}. */
    public void offerVoiceModes(String... modes) {
        voice.offerModes(List.of(modes));
    }

    /** The transport encryption mode of a bot's voice session, or null. */
    public String voiceMode(long botId) {
        return voice.mode(botId);
    }

    /** Demand DAVE: a bot offering max_dave_protocol_version 0 is closed with 4017. */
    public void requireDave(boolean require) {
        voice.requireDave(require);
    }

    /**
     * The voice gateway speaks DAVE (protocol version 1; issue 10, docs/dave.md): it is each voice
     * channel's MLS external sender and delivery service, and emulated members are DAVE members
     * who encrypt what they say and decrypt what bots send. A client offering version 0 is closed
     * with 4017, as Discord does. Off by default (protocol version 0). Call before voice joins.
     */
    public void enableDave() {
        voice.enableDave();
    }

    /** The DAVE group of a voice channel as the voice gateway sees it (DAVE must be on). */
    public DaveGroupStats daveGroup(long channelId) {
        return voice.dave().stats(channelId);
    }

    /** An emulated member's DAVE session (null when DAVE is off or the member is not in voice). */
    public org.inwardportal.discord.dave.JavaDaveSession daveSession(long memberId) {
        StandInDave d = voice.dave();
        return d == null ? null : d.memberSession(memberId);
    }

    /** Opus frames bots sent into voice, as the voice server's transport decrypted them. */
    public long botFrames() {
        return voice.botFrames();
    }

    /** Of {@link #botFrames()}, those that were DAVE protocol frames (ending in the FA FA magic marker). */
    public long botDaveFrames() {
        return voice.botDaveFrames();
    }

    /** Frames from bots that a listening member's DAVE session could not decrypt. */
    public long memberDecryptFailures() {
        return voice.memberDecryptFailures();
    }

    /**
     * Fault injection: the next MLS commit or welcome the voice gateway sends {@code userId} in
     * {@code channelId} has a byte flipped, so the client must report it (op 31) and be re-added.
     */
    public void corruptNextDaveHandshake(long channelId, long userId) {
        voice.dave().corruptNextHandshakeFor(channelId, userId);
    }

    /**
     * Fault injection: right after {@code userId}'s next op 31 the channel's gateway also gets a key
     * package from that user whose private keys nobody holds, before the user's own new one (what
     * jdave 0.1.5 sends: see docs/dave.md).
     */
    public void daveDeadKeyPackageAfterReport(long channelId, long userId) {
        voice.dave().deadKeyPackageAfterReportFrom(channelId, userId);
    }

    /**
     * Test setting: the voice gateway of {@code channelId} takes MLS commits only from {@code userId}
     * (null: the first valid commit of each epoch, from anyone, as Discord does), so a test can make
     * one implementation create every epoch and the others follow.
     */
    public void daveCommitsOnlyFrom(long channelId, Long userId) {
        voice.dave().commitsOnlyFrom(channelId, userId);
    }

    /**
     * Test setting: while held, the channel's gateway takes no commit, so proposals stay in flight;
     * a member leaving meanwhile has its Add revoked (op 27, revoke).
     */
    public void daveHoldCommits(long channelId, boolean hold) {
        voice.dave().holdCommits(channelId, hold);
    }

    /** Voice IDENTIFYs closed with 4017 because the client offered no DAVE protocol version. */
    public long daveRequiredCloses() {
        return voice.daveRequiredCloses();
    }

    /** A member (an admin, say) sets a text channel's topic: CHANNEL_UPDATE to every bot. */
    public void setTopic(long channelId, String topic) {
        var channel = world.channel(channelId).orElseThrow();
        channel.topic = topic;
        gateway.channelUpdated(channel);
    }

    /** An admin deletes a message: MESSAGE_DELETE to every bot; false if there was none. */
    public boolean deleteMessage(long channelId, long messageId) {
        return gateway.rest().deleteMessage(channelId, messageId);
    }

    /** An admin hides a channel from a member (a member overwrite denying View Channel): CHANNEL_UPDATE to every bot. */
    public void hideChannel(long channelId, long memberId) {
        var channel = world.channel(channelId).orElseThrow();
        channel.hiddenFrom.add(memberId);
        gateway.channelUpdated(channel);
    }

    /** Deletes a channel, as a guild admin would: CHANNEL_DELETE; bots in it are dropped from voice (4014). */
    public void deleteChannel(long channelId) {
        var channel = world.channel(channelId).orElseThrow();
        world.removeChannel(channelId);
        gateway.channelDeleted(channel);
        for (var e : world.voiceStates().entrySet()) {
            if (e.getValue() == channelId) {
                world.setVoiceChannel(e.getKey(), null);
                voice.close(e.getKey(), 4014, "channel deleted");
            }
        }
    }

    // ---- observation ----

    /** True once the bot has a voice session with UDP and keys: it can send and receive audio. */
    public boolean voiceReady(long botId) {
        return voice.ready(botId);
    }

    public long garbagePackets() {
        return voice.garbagePackets();
    }

    public long rejectedPackets() {
        return voice.rejectedPackets();
    }

    /** Zero-length datagrams received (JDA 6.5 sends one per 20 ms tick while silent). */
    public long emptyDatagrams() {
        return voice.emptyDatagrams();
    }

    /** How many voice IDENTIFYs a bot has sent (each voice connection attempt sends one). */
    public int voiceIdentifies(long botId) {
        return voice.identifies(botId);
    }

    public List<String> presenceUpdates(long botId) {
        return gateway.presenceUpdates(botId);
    }

    public int gatewayIdentifies(long botId) {
        return gateway.identifies(botId);
    }

    public int gatewayResumes(long botId) {
        return gateway.resumes(botId);
    }

    /** Voice RESUMEs the stand-in answered with RESUMED for this bot. */
    public int voiceResumes(long botId) {
        return voice.resumes(botId);
    }

    /** Sequenced voice gateway messages sent again to resuming bots (voice gateway v8 buffered resume). */
    public long voiceMessagesReplayed() {
        return voice.replayedMessages();
    }

    /** Opus frames one bot sent that the stand-in forwarded to another bot in the same channel. */
    public long botToBotFrames() {
        return voice.botToBotFrames();
    }

    /** How long a voice session whose socket went away stays resumable (default 10 s); then it ends and leaves its DAVE group. */
    public void voiceResumeWindow(Duration window) {
        voice.resumeWindow(window);
    }

    // ---- what members do in text ----

    /**
     * A member runs {@code /command [subcommand] [options]} in a channel: INTERACTION_CREATE goes to the
     * bot that registered the command. String, integer and boolean option values are typed as such.
     */
    Interaction runCommand(EmulatedMember m, StandInWorld.GuildChannel channel, String command, String subcommand,
                           java.util.Map<String, Object> options, String focused) {
        var registered = gateway.rest().command(command)
                .orElseThrow(() -> new IllegalStateException("no bot registered a guild command named /" + command));
        Interaction i = new Interaction(world.nextId(), "itoken-" + Long.toHexString(world.nextId()), registered.getKey());
        gateway.rest().track(i);
        var json = GatewayPayloads.JSON;
        com.fasterxml.jackson.databind.node.ArrayNode leaves = json.createArrayNode();
        com.fasterxml.jackson.databind.node.ObjectNode resolvedChannels = json.createObjectNode();
        options.forEach((name, value) -> {
            var o = leaves.addObject().put("name", name);
            switch (value) {
                case StandInWorld.GuildChannel c -> {
                    o.put("type", 7).put("value", String.valueOf(c.id()));
                    resolvedChannels.set(String.valueOf(c.id()), GatewayPayloads.channel(world, c));
                }
                case Integer n -> o.put("type", 4).put("value", n);
                case Long n -> o.put("type", 4).put("value", n);
                case Boolean b -> o.put("type", 5).put("value", b);
                default -> o.put("type", 3).put("value", String.valueOf(value));
            }
            if (name.equals(focused)) o.put("focused", true);
        });
        com.fasterxml.jackson.databind.node.ArrayNode top = leaves;
        if (subcommand != null) {
            top = json.createArrayNode();
            top.addObject().put("type", 1).put("name", subcommand).set("options", leaves);
        }
        var payload = GatewayPayloads.interaction(world, i, focused == null ? 2 : 4, m.user(), channel.id(), channel.type(),
                registered.getValue(), top);
        if (!resolvedChannels.isEmpty()) ((com.fasterxml.jackson.databind.node.ObjectNode) payload.path("data")).putObject("resolved").set("channels", resolvedChannels);
        gateway.dispatchTo(registered.getKey(), "INTERACTION_CREATE", payload);
        return i;
    }

    /** A member writes a message in a text channel (MESSAGE_CREATE to every bot). */
    void say(EmulatedMember m, StandInWorld.GuildChannel channel, String text) {
        var msg = gateway.rest().message(m.user(), channel.id(), text);
        gateway.broadcast("MESSAGE_CREATE", msg);
    }

    /** Messages bots sent to this member in direct messages. */
    List<com.fasterxml.jackson.databind.node.ObjectNode> directMessagesTo(long userId) {
        return gateway.rest().directMessagesTo(userId);
    }

    /** Messages bots posted in guild channels, oldest first. */
    public List<com.fasterxml.jackson.databind.node.ObjectNode> channelMessages(long channelId) {
        return gateway.rest().messages().stream().filter(mm -> mm.path("channel_id").asLong() == channelId).toList();
    }

    /** REST calls the stand-in has no route for; a test can assert there were none. */
    public List<String> unhandledRestCalls() {
        return gateway.rest().unhandled();
    }

    VoiceServer voice() {
        return voice;
    }

    void moveToVoice(EmulatedMember m, Long channelId) {
        Long from = world.voiceChannelOf(m.id()).orElse(null);
        world.setVoiceChannel(m.id(), channelId);
        gateway.voiceStateChanged(m.user(), channelId);
        voice.memberMoved(m, from, channelId);
    }

    @Override
    public void close() {
        clock.shutdownNow();
        gateway.stop();
        voice.stop();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
