package org.inwardportal.relay.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.inwardportal.relay.peer.LibWebRtcPeer;
import org.inwardportal.relay.testing.OpusCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's endpoint against real libwebrtc (webrtc-java), in the private network namespace
 * scripts/lib/netns/bin/java creates (libwebrtc ignores loopback).
 */
class WebRtcJavaInteropIT {
    private MediaEndpoint endpoint;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        start(SrtpProfile.PREFERENCE);
    }

    private void start(List<SrtpProfile> profiles) throws Exception {
        if (endpoint != null) endpoint.close();
        endpoint = new MediaEndpoint(MediaEndpoint.Config.defaults().withSrtpProfiles(profiles), new SimpleMeterRegistry());
        endpoint.start();
        assertThat(endpoint.candidates()).as("the namespace's veth addresses").isNotEmpty();
    }

    /** libwebrtc says "connected" as soon as its side of DTLS is done; the relay installs its keys a moment later. */
    private static void awaitRelayConnected(PeerSession s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (s.state() != PeerSession.State.CONNECTED && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(s.state()).isEqualTo(PeerSession.State.CONNECTED);
    }

    @AfterEach
    void stop() {
        clock.shutdownNow();
        endpoint.close();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(SrtpProfile.class)
    void aToneFromLibwebrtcArrivesAsOpusThatDecodesToThatTone(SrtpProfile profile) throws Exception {
        start(List.of(profile));
        List<byte[]> frames = new CopyOnWriteArrayList<>();
        try (LibWebRtcPeer peer = LibWebRtcPeer.sender()) {
            String offer = peer.offer();
            PeerSession s = endpoint.accept(offer, Map.of(), false, (session, f) -> {
                if (f.kind == MediaFrame.Kind.AUDIO) {
                    byte[] b = new byte[f.payloadLength];
                    f.copyPayload(b);
                    frames.add(b);
                }
            });
            peer.answer(s.answerSdp());
            peer.awaitConnected(Duration.ofSeconds(10));
            awaitRelayConnected(s);
            assertThat(s.srtpProfile()).isEqualTo(profile);
            long[] sample = {0};
            clock.scheduleAtFixedRate(() -> {
                peer.pushAudio(OpusCodec.tone(440, sample[0], 480, 0.5));
                sample[0] += 480;
            }, 0, 10, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (frames.size() < 100 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(frames.size()).as("Opus frames at the relay").isGreaterThanOrEqualTo(100);
            OpusCodec codec = new OpusCodec();
            List<short[]> pcm = new ArrayList<>();
            for (byte[] f : frames) pcm.add(codec.decode(f));
            short[] signal = OpusCodec.tail(OpusCodec.concat(pcm), 48_000 / 2); // skip the start-up half second
            double hz = OpusCodec.toneFrequency(signal, 48_000);
            System.out.printf("libwebrtc -> relay (%s): %d Opus frames, decoded tone %.1f Hz, level %.3f%n", profile, frames.size(), hz,
                    OpusCodec.level(signal, 48_000));
            assertThat(hz).isBetween(430.0, 450.0);
            assertThat(OpusCodec.level(signal, 48_000)).isGreaterThan(0.1);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(SrtpProfile.class)
    void opusSentByTheRelayIsHeardByLibwebrtc(SrtpProfile profile) throws Exception {
        start(List.of(profile));
        List<short[]> heard = new CopyOnWriteArrayList<>();
        int[] rate = {48_000};
        try (LibWebRtcPeer peer = LibWebRtcPeer.receiver((data, bits, sampleRate, channels, frameCount) -> {
            short[] mono = new short[frameCount];
            for (int i = 0; i < frameCount; i++) {
                int at = 2 * i * channels;
                mono[i] = (short) ((data[at] & 0xff) | (data[at + 1] << 8));
            }
            rate[0] = sampleRate;
            heard.add(mono);
        })) {
            String offer = peer.offer();
            long ssrc = 0x5E1A7L;
            PeerSession s = endpoint.accept(offer, Map.of("audio", new SdpAnswerer.Track(ssrc, "portal", "discord-mix")), false,
                    MediaSink.DISCARD);
            peer.answer(s.answerSdp());
            peer.awaitConnected(Duration.ofSeconds(10));
            int pt = s.answer().accepted().getFirst().codecs().getFirst().payloadType();
            OpusCodec codec = new OpusCodec();
            int[] seq = {0};
            clock.scheduleAtFixedRate(() -> {
                int n = seq[0]++;
                byte[] opus = codec.encode(OpusCodec.tone(660, (long) n * 960, 960, 0.5));
                endpoint.send(s, Unpooled.buffer(12 + opus.length).writeByte(0x80).writeByte(pt).writeShort(n)
                        .writeInt(n * 960).writeInt((int) ssrc).writeBytes(opus));
            }, 0, 20, TimeUnit.MILLISECONDS);
            awaitAudio(() -> OpusCodec.samples(heard) >= rate[0] * 3L / 2);
            short[] signal = OpusCodec.tail(OpusCodec.concat(List.copyOf(heard)), rate[0]);
            double hz = OpusCodec.toneFrequency(signal, rate[0]);
            awaitRelayConnected(s);
            assertThat(s.srtpProfile()).isEqualTo(profile);
            System.out.printf("relay -> libwebrtc (%s): %d ms of audio heard, tone %.1f Hz, level %.3f%n", profile,
                    (long) signal.length * 1000 / rate[0], hz, OpusCodec.level(signal, rate[0]));
            assertThat(OpusCodec.level(signal, rate[0])).as("libwebrtc played audio").isGreaterThan(0.1);
            assertThat(hz).isBetween(645.0, 675.0);
        }
    }

    @Test
    void videoFromOneLibwebrtcPeerIsReceivedByAnotherThroughTheRelay() throws Exception {
        org.inwardportal.relay.sfu.VideoRoom room = new org.inwardportal.relay.sfu.VideoRoom(endpoint);
        java.util.concurrent.atomic.AtomicInteger frames = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> size = new java.util.concurrent.atomic.AtomicReference<>();
        try (LibWebRtcPeer world = LibWebRtcPeer.videoPublisher();
             LibWebRtcPeer viewer = LibWebRtcPeer.videoSubscriber(frame -> {
                 frames.incrementAndGet();
                 size.set(frame.buffer.getWidth() + "x" + frame.buffer.getHeight());
                 frame.release();
             })) {
            PeerSession pub = endpoint.accept(world.offer(), Map.of(), true, room.publisherSink());
            world.answer(pub.answerSdp());
            world.awaitConnected(Duration.ofSeconds(10));
            int[] n = {0};
            clock.scheduleAtFixedRate(() -> world.pushVideoFrame(n[0]++), 0, 33, TimeUnit.MILLISECONDS);
            Thread.sleep(500); // the viewer joins a running stream: it needs the keyframe it asks for (PLI)
            SdpAnswerer.Track track = new SdpAnswerer.Track(0x71DE0, "world", "camera");
            PeerSession sub = endpoint.accept(viewer.offer(), Map.of("video", track), false, room.subscriberSink(track));
            viewer.answer(sub.answerSdp());
            viewer.awaitConnected(Duration.ofSeconds(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (frames.get() < 30 && System.nanoTime() < deadline) Thread.sleep(20);
            System.out.printf("libwebrtc -> relay (SFU) -> libwebrtc: %d video frames decoded at %s; %d packets forwarded,"
                    + " %d retransmitted, %d keyframe requests%n", frames.get(), size.get(), room.forwarded(), room.retransmitted(),
                    room.keyframeRequests());
            assertThat(frames.get()).as("decoded frames at the viewer").isGreaterThanOrEqualTo(30);
            assertThat(size.get()).isEqualTo("320x240");
            assertThat(room.keyframeRequests()).as("a PLI went to the publisher for the new viewer").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theRelayAddsOneTrackPerSpeakerByOfferAndLibwebrtcHearsEachApart() throws Exception {
        try (LibWebRtcPeer shard = LibWebRtcPeer.receiver((data, bits, rate, channels, frames) -> { })) {
            PeerSession s = endpoint.accept(shard.offer(), Map.of(), false, MediaSink.DISCARD);
            shard.answer(s.answerSdp());
            shard.awaitConnected(Duration.ofSeconds(10));
            SdpAnswerer.Track alice = new SdpAnswerer.Track(0xA11CE, "discord", "speaker-alice");
            SdpAnswerer.Track bob = new SdpAnswerer.Track(0xB0B, "discord", "speaker-bob");
            String offer = endpoint.reoffer(s, List.of(alice, bob));
            List<String> accepted = endpoint.applyAnswer(s, shard.answerTo(offer));
            assertThat(accepted).contains("s" + alice.ssrc(), "s" + bob.ssrc());
            int pt = s.opusPayloadType();
            OpusCodec a = new OpusCodec();
            OpusCodec b = new OpusCodec();
            int[] seq = {0};
            clock.scheduleAtFixedRate(() -> {
                int n = seq[0]++;
                for (Object[] t : new Object[][] {{alice, a, 400.0}, {bob, b, 800.0}}) {
                    SdpAnswerer.Track track = (SdpAnswerer.Track) t[0];
                    byte[] opus = ((OpusCodec) t[1]).encode(OpusCodec.tone((double) t[2], (long) n * 960, 960, 0.5));
                    endpoint.send(s, Unpooled.buffer(12 + opus.length).writeByte(0x80).writeByte(pt).writeShort(n)
                            .writeInt(n * 960).writeInt((int) track.ssrc()).writeBytes(opus));
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            awaitAudio(() -> {
                var byTrack = shard.audioByTrack();
                return OpusCodec.samples(byTrack.getOrDefault("speaker-alice", List.of())) >= 72_000
                        && OpusCodec.samples(byTrack.getOrDefault("speaker-bob", List.of())) >= 72_000;
            });
            var heard = shard.audioByTrack();
            assertThat(heard).containsKeys("speaker-alice", "speaker-bob");
            double hzAlice = OpusCodec.toneFrequency(OpusCodec.tail(OpusCodec.concat(List.copyOf(heard.get("speaker-alice"))), 48_000), 48_000);
            double hzBob = OpusCodec.toneFrequency(OpusCodec.tail(OpusCodec.concat(List.copyOf(heard.get("speaker-bob"))), 48_000), 48_000);
            System.out.printf("relay -> libwebrtc, one track per speaker: speaker-alice %.1f Hz, speaker-bob %.1f Hz%n", hzAlice, hzBob);
            assertThat(hzAlice).isBetween(390.0, 410.0);
            assertThat(hzBob).isBetween(780.0, 820.0);
        }
    }

    /**
     * Waits (at least 2.5 s, at most 15 s) until there is {@code enough} audio to analyse: libwebrtc
     * starts playing after its jitter buffer fills, later on a loaded machine. The assertions after
     * it say what is missing.
     */
    private static void awaitAudio(java.util.function.BooleanSupplier enough) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Thread.sleep(2500);
        while (System.nanoTime() < deadline && !enough.getAsBoolean()) Thread.sleep(50);
    }
}
