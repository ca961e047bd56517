package org.inwardportal.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.testing.OpusCodec;
import org.inwardportal.signaling.client.ShardClient;

/**
 * A full session: the reference shard (libwebrtc) through the signaling server and the relay's
 * endpoint, audio both ways, video, a speaker track the relay offers, room.state and speakers.
 * {@link ShardClientLoopbackTest} runs it on 127.0.0.1, {@link ShardClientInteropIT} over a veth
 * pair in a private network namespace.
 */
final class ReferenceShardSession {
    private ReferenceShardSession() {
    }

    /** Runs the session against an endpoint made with {@code config}; returns where the relay saw the shard. */
    static InetSocketAddress run(MediaEndpoint.Config config) throws Exception {
        List<byte[]> fromWorld = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger videoPackets = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<Integer> ssrcs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<RoomState> rooms = new CopyOnWriteArrayList<>();
        CompletableFuture<PeerSession> session = new CompletableFuture<>();
        SdpAnswerer.Track discordMix = new SdpAnswerer.Track(0x5EED5, "discord", "voices");
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        MediaEndpoint endpoint = new MediaEndpoint(config, new SimpleMeterRegistry());
        endpoint.start();
        SignalingServer server = new SignalingServer("127.0.0.1", 0, SignalingLimits.defaults(),
                (shard, token) -> shard.equals("alpha") && token.equals("ipt_reference"), endpoint, new SignalingServer.Hooks() {
                    @Override
                    public MediaSink sinkFor(String shardId) {
                        return new MediaSink() {
                            @Override
                            public void onMedia(PeerSession s, MediaFrame f) {
                                if (f.kind == MediaFrame.Kind.VIDEO) {
                                    videoPackets.incrementAndGet();
                                    return;
                                }
                                byte[] b = new byte[f.payloadLength];
                                f.copyPayload(b);
                                fromWorld.add(b);
                                ssrcs.add(f.ssrc);
                            }

                            @Override
                            public void onConnected(PeerSession s) {
                                session.complete(s);
                            }
                        };
                    }

                    @Override
                    public Map<String, SdpAnswerer.Track> sendingTo(String shardId) {
                        return Map.of("audio", discordMix);
                    }

                    @Override
                    public void roomState(String shardId, RoomState state) {
                        rooms.add(state);
                    }
                });
        server.start();
        long t0 = System.nanoTime();
        try (ShardClient shard = ShardClient.connect(URI.create("ws://127.0.0.1:" + server.port() + SignalingServer.PATH),
                "alpha", "ipt_reference", true, Duration.ofSeconds(15))) {
            long connectMs = (System.nanoTime() - t0) / 1_000_000;
            PeerSession s = session.get(10, TimeUnit.SECONDS);
            shard.playTone(440, 0.5);
            shard.playTestPattern();
            SdpAnswerer.Track alice = new SdpAnswerer.Track(0xA11CE, "discord", "speaker-1001");
            assertThat(server.offerTracks("alpha", List.of(alice))).isTrue();
            shard.roomState("Lobby", Map.of("p1", "Ana"));
            List<Object> speakers = new CopyOnWriteArrayList<>();
            shard.onMessage(m -> {
                if ("speakers".equals(m.path("type").asText())) speakers.add(m);
            });
            server.sendTo("alpha", SignalingServer.speakers(List.of(new SignalingServer.Speaker("1001", "Alice", null, "voices"))));
            OpusCodec codec = new OpusCodec();
            OpusCodec aliceCodec = new OpusCodec();
            int pt = s.opusPayloadType();
            int[] n = {0};
            clock.scheduleAtFixedRate(() -> {
                int i = n[0]++;
                byte[] opus = codec.encode(OpusCodec.tone(660, (long) i * 960, 960, 0.5));
                endpoint.send(s, Unpooled.buffer().writeByte(0x80).writeByte(pt).writeShort(i).writeInt(i * 960)
                        .writeInt((int) discordMix.ssrc()).writeBytes(opus));
                byte[] voice = aliceCodec.encode(OpusCodec.tone(880, (long) i * 960, 960, 0.5));
                endpoint.send(s, Unpooled.buffer().writeByte(0x80).writeByte(pt).writeShort(i).writeInt(i * 960)
                        .writeInt((int) alice.ssrc()).writeBytes(voice));
            }, 0, 20, TimeUnit.MILLISECONDS);
            // Enough of everything to analyse: the speaker track starts only after a relay offer and
            // libwebrtc's answer, which a loaded machine delays. The assertions below say what is missing.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Thread.sleep(2500);
            while (System.nanoTime() < deadline && !(shard.heard().size() >= 2
                    && shard.heard().values().stream().allMatch(t -> OpusCodec.samples(t) >= 72_000)
                    && fromWorld.size() >= 100 && videoPackets.get() > 30 && !rooms.isEmpty() && !speakers.isEmpty())) {
                Thread.sleep(50);
            }

            OpusCodec decoder = new OpusCodec();
            List<short[]> pcm = new java.util.ArrayList<>();
            for (byte[] f : List.copyOf(fromWorld)) pcm.add(decoder.decode(f));
            double worldHz = OpusCodec.toneFrequency(OpusCodec.tail(OpusCodec.concat(pcm), 24_000), 48_000);
            // libwebrtc names remote tracks itself (not after a=msid): tell them apart by their tones.
            assertThat(shard.heard()).as("the mix, and the speaker track the relay offered").hasSize(2);
            List<Double> tones = new java.util.ArrayList<>();
            for (List<short[]> track : shard.heard().values()) {
                tones.add(OpusCodec.toneFrequency(OpusCodec.tail(OpusCodec.concat(List.copyOf(track)), 48_000), 48_000));
            }
            tones.sort(Double::compare);
            double discordHz = tones.get(0);
            List<short[]> heard = List.copyOf(shard.heard().values().iterator().next());
            assertThat(tones.get(1)).as("the offered speaker track").isBetween(860.0, 900.0);
            assertThat(videoPackets.get()).as("the shard's test pattern reaches the relay as video").isGreaterThan(30);
            assertThat(ssrcs).as("one world stream").hasSize(1);
            System.out.printf("reference shard: connected in %d ms from %s; world tone at the relay %.1f Hz (%d frames); relay audio at the shard %.1f Hz (%d ms)%n",
                    connectMs, s.remoteAddress(), worldHz, fromWorld.size(), discordHz, heard.size() * 10);
            assertThat(worldHz).isBetween(430.0, 450.0);
            assertThat(discordHz).isBetween(645.0, 675.0);
            assertThat(rooms).singleElement().satisfies(r -> assertThat(r.players()).extracting(RoomState.Player::name).containsExactly("Ana"));
            assertThat(speakers).hasSize(1);
            return s.remoteAddress();
        } finally {
            clock.shutdownNow();
            server.close();
            endpoint.close();
        }
    }
}
