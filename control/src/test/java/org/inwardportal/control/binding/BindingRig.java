package org.inwardportal.control.binding;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.discord.voice.DiscordBot;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.inwardportal.discord.voice.VoiceEvents;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.peer.LightPeer;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.signaling.SignalingServer;

/**
 * Real parts for binding tests: the Discord stand-in with real JDA bots, the relay's endpoint, and
 * light WebRTC peers as shards (raw RTP in and out, on loopback). Each binding gets its own bot.
 */
final class BindingRig implements AutoCloseable {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DiscordStandIn standIn = DiscordStandIn.start();
    final MediaEndpoint endpoint;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** What a binding told its shard over signaling. */
    static final class Told implements LiveBinding.ShardChannel {
        final List<SdpAnswerer.Track> offered = new CopyOnWriteArrayList<>();
        final List<List<SignalingServer.Speaker>> speakers = new CopyOnWriteArrayList<>();

        @Override
        public void offerTracks(List<SdpAnswerer.Track> tracks) {
            offered.addAll(tracks);
        }

        @Override
        public void speakers(List<SignalingServer.Speaker> who) {
            speakers.add(who);
        }
    }

    /** A live binding with its shard peer and what it told the shard. */
    record Bound(LiveBinding binding, LightPeer shard, PeerSession session, Told told, StandInWorld.User bot, List<Long> deliveredTimestamps) {
    }

    BindingRig() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        endpoint = new MediaEndpoint(new MediaEndpoint.Config("127.0.0.1", 0, List.of(loopback), Duration.ofSeconds(30)), registry);
        endpoint.start();
    }

    static void await(BooleanSupplier c, Duration t) throws InterruptedException {
        long deadline = System.nanoTime() + t.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + t);
            Thread.sleep(10);
        }
    }

    EmulatedMember member(String name, String voiceChannel) {
        EmulatedMember m = standIn.addMember(name);
        m.joinVoice(standIn.world().channel(voiceChannel));
        return m;
    }

    /** A bot in {@code voiceChannel}, bound to a new light shard whose session is connected. */
    Bound bind(String id, String voiceChannel, int toShardSsrc, BindingPipeline.ToShard mode) throws Exception {
        return bind(id, voiceChannel, toShardSsrc, mode, s -> s);
    }

    /** As above, with a fault node between the pipeline and the Discord send thread. */
    Bound bind(String id, String voiceChannel, int toShardSsrc, BindingPipeline.ToShard mode,
               java.util.function.UnaryOperator<org.inwardportal.discord.voice.OpusFrameSource> fault) throws Exception {
        StandInWorld.User botUser = standIn.addBot("Portal " + id);
        DiscordBot bot = DiscordBot.login("portal-" + id, botUser.token(), DiscordEndpoints.standIn(standIn));
        open.add(bot::close);
        if (!bot.awaitReady(Duration.ofSeconds(10))) throw new AssertionError(bot.reason());
        Told told = new Told();
        List<Long> delivered = new CopyOnWriteArrayList<>(); // the RTP timestamps JDA delivered, in order
        LiveBinding binding = new LiveBinding(id, endpoint, toShardSsrc, mode,
                (sink, source) -> bot.link(standIn.world().guildId(), VoiceEvents.NONE, (speaker, seq, ts, opus) -> {
                    delivered.add(ts);
                    sink.onOpus(speaker, seq, ts, opus);
                }, fault.apply(source)), told, registry);
        open.add(binding::close);
        binding.join(standIn.world().channel(voiceChannel).id());
        if (!binding.link().awaitReady(Duration.ofSeconds(10))) throw new AssertionError(binding.link().reason());
        await(() -> standIn.voiceReady(botUser.id()), Duration.ofSeconds(5));
        LightPeer shard = new LightPeer(InetAddress.getLoopbackAddress());
        open.add(shard);
        PeerSession session = endpoint.accept(shard.offer(), binding.sending(), false, binding.shardSink());
        shard.connect(session.answerSdp());
        await(() -> session.state() == PeerSession.State.CONNECTED, Duration.ofSeconds(5));
        return new Bound(binding, shard, session, told, botUser, delivered);
    }

    double counter(String name, String binding, String direction) {
        return registry.find(name).tag("binding", binding).tag("direction", direction).counters().stream()
                .mapToDouble(c -> c.count()).sum()
                + registry.find(name).tag("binding", binding).tag("direction", direction).functionCounters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        for (AutoCloseable c : open.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        endpoint.close();
        standIn.close();
    }
}
