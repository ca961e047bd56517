package org.inwardportal.control.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.peer.LightPeer;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.signaling.Invites;
import org.junit.jupiter.api.Test;

/**
 * Spectators of a binding, with real JDA against the stand-in and light peers on loopback: a viewer
 * hears the world and the Discord voices (passthrough, byte for byte, on the SSRC its answer
 * promised), and its push-to-talk reaches both the Discord channel and the world, where the
 * {@code speakers} message names it by its invite.
 */
class BindingViewersTest {
    private static final int VIEWER_AUDIO_SSRC = 0x7A0D10;

    private static byte[] opus(String who, int n) {
        return ("\u00fc" + who + "#" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] payload(byte[] rtp) {
        return Arrays.copyOfRange(rtp, 12, rtp.length);
    }

    @Test
    void aViewerHearsTheWorldAndDiscordAndItsPushToTalkReachesBoth() throws Exception {
        try (BindingRig rig = new BindingRig()) {
            EmulatedMember alice = rig.member("Alice", "World");
            BindingRig.Bound bound = rig.bind("watched", "World", 0x6100, BindingPipeline.ToShard.PER_SPEAKER);
            Map<String, SdpAnswerer.Track> tracks = Map.of("audio", new SdpAnswerer.Track(VIEWER_AUDIO_SSRC, "world", "audio"));
            Invites.Invite invite = new Invites.Invite("watched", "2002", "Vera", Instant.now().plusSeconds(3600));
            try (LightPeer viewer = new LightPeer(InetAddress.getLoopbackAddress())) {
                PeerSession session = rig.endpoint.accept(viewer.offer(), tracks, false, bound.binding().viewerSink(invite, tracks));
                viewer.connect(session.answerSdp());
                BindingRig.await(() -> session.state() == PeerSession.State.CONNECTED && bound.binding().pipeline().viewers() == 1,
                        Duration.ofSeconds(5));

                // the world, to the viewer: the shard's Opus untouched, on the viewer's own SSRC
                for (int i = 0; i < 10; i++) {
                    bound.shard().sendOpus(0xABC, i, 960L * i, opus("world", i), 10);
                    Thread.sleep(20);
                }
                List<byte[]> heard = new ArrayList<>();
                byte[] rtp;
                while (heard.size() < 10 && (rtp = viewer.receiveRtp(2000)) != null) {
                    assertThat(rtp[8] << 24 | (rtp[9] & 0xff) << 16 | (rtp[10] & 0xff) << 8 | rtp[11] & 0xff).isEqualTo(VIEWER_AUDIO_SSRC);
                    heard.add(payload(rtp));
                }
                assertThat(heard).as("world frames at the viewer").hasSizeGreaterThanOrEqualTo(9);
                assertThat(heard.getFirst()).isIn(List.of(opus("world", 0), opus("world", 1)));

                // Discord, to the viewer
                Thread.sleep(300); // the world is quiet now: Alice alone, passed through
                alice.speak(List.of(opus("alice", 0), opus("alice", 1), opus("alice", 2))).get(5, TimeUnit.SECONDS);
                boolean aliceHeard = false;
                while (!aliceHeard && (rtp = viewer.receiveRtp(3000)) != null) aliceHeard = Arrays.equals(payload(rtp), opus("alice", 0));
                assertThat(aliceHeard).as("Alice's voice at the viewer").isTrue();

                // push-to-talk: into Discord and into the world, with the viewer's name in 'speakers'
                Thread.sleep(300);
                alice.clearHeard();
                List<byte[]> said = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    said.add(opus("vera", i));
                    viewer.sendOpus(0x5eed, i, 960L * i, said.getLast(), 10);
                    Thread.sleep(20);
                }
                List<Heard> inDiscord = alice.awaitHeard(18, Duration.ofSeconds(5));
                long matching = inDiscord.stream().filter(h -> said.stream().anyMatch(s -> Arrays.equals(s, h.opus()))).count();
                assertThat(matching).as("the viewer's frames heard in Discord").isGreaterThanOrEqualTo(18);
                boolean inWorld = false;
                while (!inWorld && (rtp = bound.shard().receiveRtp(3000)) != null) inWorld = Arrays.equals(payload(rtp), opus("vera", 0));
                assertThat(inWorld).as("the viewer's voice in the world").isTrue();
                BindingRig.await(() -> bound.told().speakers.stream().flatMap(List::stream)
                        .anyMatch(s -> s.discordId().equals("2002") && s.name().equals("Vera")), Duration.ofSeconds(3));
                assertThat(rig.counter("relay.binding.frames", "watched", "from_viewers")).isEqualTo(20);

                rig.endpoint.close(session, "the viewer left");
                BindingRig.await(() -> bound.binding().pipeline().viewers() == 0, Duration.ofSeconds(2));
            }
        }
    }
}
