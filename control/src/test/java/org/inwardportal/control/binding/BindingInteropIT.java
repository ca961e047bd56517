package org.inwardportal.control.binding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.discord.voice.DiscordBot;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.inwardportal.discord.voice.VoiceEvents;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.testing.OpusCodec;
import org.inwardportal.signaling.SignalingLimits;
import org.inwardportal.signaling.SignalingServer;
import org.inwardportal.signaling.client.ShardClient;
import org.junit.jupiter.api.Test;

/**
 * The whole path with every real part: the reference shard (libwebrtc) through signaling and the
 * endpoint, a binding, real JDA against the Discord stand-in. Three members speaking three tones
 * reach the shard on three tracks (two of them added by relay offers libwebrtc answers), and the
 * world's tone reaches a member in Discord. In the test's private network namespace.
 */
class BindingInteropIT {
    private static final double[] TONES = {400, 900, 1500};

    @Test
    void threeDiscordVoicesReachTheShardOnThreeTracksAndTheWorldIsHeardInDiscord() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MediaEndpoint endpoint = new MediaEndpoint(MediaEndpoint.Config.defaults(), registry);
        endpoint.start();
        LiveBinding[] binding = new LiveBinding[1];
        SignalingServer signaling = new SignalingServer("127.0.0.1", 0, SignalingLimits.defaults(),
                (shard, token) -> shard.equals("alpha") && token.equals("ipt_reference"), endpoint, new SignalingServer.Hooks() {
                    @Override
                    public MediaSink sinkFor(String shardId) {
                        return binding[0].shardSink();
                    }

                    @Override
                    public Map<String, SdpAnswerer.Track> sendingTo(String shardId) {
                        return binding[0].sending();
                    }
                });
        signaling.start();
        try (DiscordStandIn standIn = DiscordStandIn.start()) {
            StandInWorld.User botUser = standIn.addBot("Portal");
            DiscordBot bot = DiscordBot.login("portal", botUser.token(), DiscordEndpoints.standIn(standIn));
            try {
                assertThat(bot.awaitReady(Duration.ofSeconds(10))).isTrue();
                List<EmulatedMember> members = new ArrayList<>();
                for (String name : List.of("Ann", "Ben", "Cat")) {
                    EmulatedMember m = standIn.addMember(name);
                    m.joinVoice(standIn.world().channel("World"));
                    members.add(m);
                }
                binding[0] = new LiveBinding("alpha", endpoint, 0x5100, BindingPipeline.ToShard.PER_SPEAKER,
                        (sink, source) -> bot.link(standIn.world().guildId(), VoiceEvents.NONE, sink, source),
                        LiveBinding.ShardChannel.of(signaling, "alpha"), registry);
                binding[0].join(standIn.world().channel("World").id());
                assertThat(binding[0].link().awaitReady(Duration.ofSeconds(10))).isTrue();

                try (ShardClient shard = ShardClient.connect(URI.create("ws://127.0.0.1:" + signaling.port() + SignalingServer.PATH),
                        "alpha", "ipt_reference", Duration.ofSeconds(15))) {
                    List<JsonNode> speakers = new CopyOnWriteArrayList<>();
                    shard.onMessage(m -> {
                        if ("speakers".equals(m.path("type").asText())) speakers.add(m);
                    });
                    shard.playTone(440, 0.5);
                    List<CompletableFuture<Void>> speaking = new ArrayList<>();
                    OpusCodec[] codecs = new OpusCodec[members.size()];
                    for (int m = 0; m < members.size(); m++) {
                        codecs[m] = new OpusCodec();
                        List<byte[]> opus = new ArrayList<>();
                        for (int i = 0; i < 150; i++) opus.add(codecs[m].encode(OpusCodec.tone(TONES[m], 960L * i, 960, 0.3)));
                        speaking.add(members.get(m).speak(opus));
                    }
                    for (CompletableFuture<Void> f : speaking) f.get(15, TimeUnit.SECONDS);
                    Thread.sleep(500);
                    // The second and third tracks need renegotiation rounds with libwebrtc, which a loaded machine
                    // delays: where a track has not played yet, the members go on talking (the same tones), up to 3 s more.
                    for (int more = 0; more < 3 && audibleTracks(shard) < TONES.length; more++) {
                        speaking.clear();
                        for (int m = 0; m < members.size(); m++) {
                            List<byte[]> opus = new ArrayList<>();
                            for (int i = 150 + 50 * more; i < 200 + 50 * more; i++) {
                                opus.add(codecs[m].encode(OpusCodec.tone(TONES[m], 960L * i, 960, 0.3)));
                            }
                            speaking.add(members.get(m).speak(opus));
                        }
                        for (CompletableFuture<Void> f : speaking) f.get(15, TimeUnit.SECONDS);
                        Thread.sleep(500);
                    }

                    // Each voice on a track of its own; libwebrtc names tracks itself, so they are told apart by tone:
                    // on each track one of the three tones holds ten times the power of either other.
                    List<Double> tones = new ArrayList<>();
                    for (List<short[]> track : shard.heard().values()) {
                        short[] pcm = OpusCodec.concat(List.copyOf(track));
                        if (OpusCodec.rms(pcm) < 0.01) continue; // a track that has not played yet
                        double[] power = new double[TONES.length];
                        int best = 0;
                        for (int t = 0; t < TONES.length; t++) {
                            power[t] = OpusCodec.power(pcm, TONES[t]);
                            if (power[t] > power[best]) best = t;
                        }
                        for (int t = 0; t < TONES.length; t++) {
                            if (t != best) assertThat(power[best]).as("%.0f Hz over %.0f Hz on one track", TONES[best], TONES[t]).isGreaterThan(10 * power[t]);
                        }
                        tones.add(TONES[best]);
                    }
                    tones.sort(Double::compare);
                    System.out.printf("binding interop: tones on the shard's tracks %s%n", tones);
                    assertThat(tones).containsExactly(TONES[0], TONES[1], TONES[2]);
                    assertThat(speakers).isNotEmpty();
                    List<String> names = new ArrayList<>();
                    speakers.getLast().path("speakers").forEach(s -> names.add(s.path("name").asText()));
                    assertThat(names).containsExactlyInAnyOrder("Ann", "Ben", "Cat");

                    // The world's tone in Discord.
                    List<Heard> heard = members.getFirst().awaitHeard(100, Duration.ofSeconds(5));
                    OpusCodec decoder = new OpusCodec();
                    List<short[]> pcm = new ArrayList<>();
                    for (Heard h : heard) pcm.add(decoder.decode(h.opus()));
                    double worldHz = OpusCodec.toneFrequency(OpusCodec.tail(OpusCodec.concat(pcm), 24_000), 48_000);
                    assertThat(worldHz).as("the world's tone, heard in Discord").isBetween(430.0, 450.0);
                }
            } finally {
                if (binding[0] != null) binding[0].close();
                bot.close();
            }
        } finally {
            signaling.close();
            endpoint.close();
        }
    }

    private static int audibleTracks(ShardClient shard) {
        int n = 0;
        for (List<short[]> track : shard.heard().values()) {
            if (OpusCodec.rms(OpusCodec.concat(List.copyOf(track))) >= 0.01) n++;
        }
        return n;
    }
}
