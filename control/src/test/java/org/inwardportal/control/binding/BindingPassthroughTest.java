package org.inwardportal.control.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.discord.voice.DiscordBot;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.inwardportal.discord.voice.VoiceEvents;
import org.inwardportal.discord.voice.VoiceLink;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.peer.LightPeer;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.junit.jupiter.api.Test;

/** A shard (light WebRTC peer) and a Discord channel (real JDA, the stand-in) joined by a binding: passthrough both ways. */
class BindingPassthroughTest {
    static final int TO_SHARD_SSRC = 0x51DE;

    private static void await(BooleanSupplier c, Duration t) throws InterruptedException {
        long deadline = System.nanoTime() + t.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + t);
            Thread.sleep(10);
        }
    }

    static byte[] opus(String who, int n) {
        return ("\u00fc" + who + "#" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void opusCrossesTheBindingUnchangedBothWays() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DiscordStandIn standIn = DiscordStandIn.start();
             MediaEndpointCloser ep = new MediaEndpointCloser(new MediaEndpoint(
                     new MediaEndpoint.Config("127.0.0.1", 0, List.of(loopback), Duration.ofSeconds(30)), registry));
             LightPeer shard = new LightPeer(loopback)) {
            MediaEndpoint endpoint = ep.endpoint;
            endpoint.start();
            BindingPipeline pipeline = new BindingPipeline("test", endpoint, TO_SHARD_SSRC, registry);

            StandInWorld.User botUser = standIn.addBot("Portal");
            EmulatedMember alice = standIn.addMember("Alice");
            // Alice's timestamps follow wall time as a real client's do (a late frame moves them 2 frames on)
            List<Long> deliveredTimestamps = new java.util.concurrent.CopyOnWriteArrayList<>();
            DiscordBot bot = DiscordBot.login("portal", botUser.token(), DiscordEndpoints.standIn(standIn));
            try {
                assertThat(bot.awaitReady(Duration.ofSeconds(10))).isTrue();
                VoiceLink link = bot.link(standIn.world().guildId(), VoiceEvents.NONE,
                        (speaker, seq, ts, frame) -> {
                            deliveredTimestamps.add(ts);
                            pipeline.fromDiscord(speaker.userId(), seq, ts, frame, System.nanoTime());
                        },
                        pipeline::nextFrameForDiscord);
                alice.joinVoice(standIn.world().channel("World"));
                link.join(standIn.world().channel("World").id());
                assertThat(link.awaitReady(Duration.ofSeconds(10))).isTrue();
                await(() -> standIn.voiceReady(botUser.id()), Duration.ofSeconds(5));

                PeerSession session = endpoint.accept(shard.offer(),
                        Map.of("audio", new SdpAnswerer.Track(TO_SHARD_SSRC, "discord", "voices")), false, pipeline.shardSink());
                shard.connect(session.answerSdp());
                await(() -> session.state() == PeerSession.State.CONNECTED, Duration.ofSeconds(5));

                // World → Discord, paced like a real shard (20 ms).
                List<byte[]> sent = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    sent.add(opus("world", i));
                    shard.sendOpus(0xABC, i, 960L * i, sent.getLast(), 10);
                    Thread.sleep(20);
                }
                List<Heard> heard = alice.awaitHeard(45, Duration.ofSeconds(5));
                List<byte[]> speech = heard.stream().map(Heard::opus).filter(o -> o.length != 3).toList();
                // Every frame that crossed is unchanged and in order; any missing one was counted as dropped.
                int j = 0;
                for (byte[] s : speech) {
                    while (j < sent.size() && !Arrays.equals(sent.get(j), s)) j++;
                    assertThat(j).as("frame altered or out of order").isLessThan(sent.size());
                }
                double dropped = registry.get("relay.binding.dropped").tag("direction", "to_discord").counters()
                        .stream().mapToDouble(c -> c.count()).sum();
                assertThat(speech.size() + (int) dropped).isEqualTo(40);
                assertThat(speech.size()).isGreaterThanOrEqualTo(36);

                // Discord → world.
                List<byte[]> said = new ArrayList<>();
                for (int i = 0; i < 30; i++) said.add(opus("alice", i));
                alice.speak(said).get(5, TimeUnit.SECONDS);
                int lastSeq = -1;
                long lastTs = -1;
                for (int i = 0; i < 30; i++) {
                    byte[] rtp = shard.receiveRtp(2000);
                    assertThat(rtp).as("frame " + i + " at the shard").isNotNull();
                    assertThat(Arrays.copyOfRange(rtp, 12, rtp.length)).isEqualTo(said.get(i));
                    ByteBuffer h = ByteBuffer.wrap(rtp);
                    int seq = h.getShort(2) & 0xffff;
                    long ts = h.getInt(4) & 0xffffffffL;
                    assertThat(h.getInt(8)).isEqualTo(TO_SHARD_SSRC);
                    if (lastSeq >= 0) {
                        assertThat(seq).isEqualTo((lastSeq + 1) & 0xffff);
                        // the speaker's own clock, carried over unchanged
                        long delivered = (deliveredTimestamps.get(i) - deliveredTimestamps.get(i - 1)) & 0xffffffffL;
                        assertThat((ts - lastTs) & 0xffffffffL).isEqualTo(delivered).isPositive();
                    }
                    lastSeq = seq;
                    lastTs = ts;
                }
                assertThat(registry.get("relay.binding.added.latency").tag("direction", "to_shard").timer().count()).isEqualTo(30);
                var toShard = registry.get("relay.binding.added.latency").tag("direction", "to_shard").timer().takeSnapshot();
                System.out.printf("binding passthrough: %d/40 world frames reached Discord; added latency to the shard"
                                + " p50 %.3f ms, max %.3f ms (30 frames, cold JIT: a first look, not a benchmark)%n",
                        speech.size(), toShard.percentileValues()[0].value(TimeUnit.MILLISECONDS), toShard.max(TimeUnit.MILLISECONDS));
            } finally {
                bot.close();
            }
        }
    }

    /** Closes the endpoint with try-with-resources. */
    record MediaEndpointCloser(MediaEndpoint endpoint) implements AutoCloseable {
        @Override
        public void close() {
            endpoint.close();
        }
    }
}
