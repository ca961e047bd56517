package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.audio.AudioReceiveHandler;
import net.dv8tion.jda.api.audio.AudioSendHandler;
import net.dv8tion.jda.api.audio.OpusPacket;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plain JDA against the stand-in: login, guild, voice join, Opus both ways. */
class StandInJdaTest {
    private final DiscordStandIn standIn = startStandIn();
    private JDA jda;

    private static DiscordStandIn startStandIn() {
        try {
            return DiscordStandIn.start();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        if (jda != null) {
            jda.shutdownNow();
        }
        standIn.close();
    }

    private JDA login(StandInWorld.User bot) throws InterruptedException {
        JDABuilder b = JDABuilder.createDefault(bot.token(), EnumSet.of(GatewayIntent.GUILD_VOICE_STATES))
                .enableCache(CacheFlag.VOICE_STATE);
        return DiscordEndpoints.standIn(standIn).applyTo(b).build().awaitReady();
    }

    static byte[] marker(String who, int n) {
        return ("\u00fc" + who + "#" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void jdaLogsInSeesTheGuildJoinsVoiceAndOpusFlowsBothWaysUnchanged() throws Exception {
        StandInWorld.User bot = standIn.addBot("Portal");
        EmulatedMember alice = standIn.addMember("Alice");
        jda = login(bot);
        Guild guild = jda.getGuildById(standIn.world().guildId());
        assertThat(guild).isNotNull();
        assertThat(guild.getTextChannelsByName("world", false)).hasSize(1);
        var voiceChannel = guild.getVoiceChannelsByName("World", false).getFirst();

        ConcurrentLinkedQueue<OpusPacket> received = new ConcurrentLinkedQueue<>();
        List<byte[]> toSend = new ArrayList<>();
        for (int i = 0; i < 50; i++) toSend.add(marker("bot", i));
        ConcurrentLinkedQueue<byte[]> outbox = new ConcurrentLinkedQueue<>(toSend);
        guild.getAudioManager().setSendingHandler(new AudioSendHandler() {
            @Override
            public boolean canProvide() {
                return !outbox.isEmpty();
            }

            @Override
            public ByteBuffer provide20MsAudio() {
                return ByteBuffer.wrap(outbox.poll());
            }

            @Override
            public boolean isOpus() {
                return true;
            }
        });
        guild.getAudioManager().setReceivingHandler(new AudioReceiveHandler() {
            @Override
            public boolean canReceiveEncoded() {
                return true;
            }

            @Override
            public void handleEncodedAudio(OpusPacket packet) {
                received.add(packet);
            }
        });
        alice.joinVoice(standIn.world().channel("World"));
        guild.getAudioManager().openAudioConnection(voiceChannel);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!standIn.voiceReady(bot.id()) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(standIn.voiceReady(bot.id())).as("voice session ready").isTrue();

        List<Heard> heard = alice.awaitHeard(50, Duration.ofSeconds(10));
        assertThat(heard).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(heard.get(i).opus()).isEqualTo(toSend.get(i));
            assertThat(heard.get(i).fromUserId()).isEqualTo(bot.id());
        }

        List<byte[]> aliceSays = new ArrayList<>();
        for (int i = 0; i < 25; i++) aliceSays.add(marker("alice", i));
        alice.speak(aliceSays).get(5, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received.size() < 25 && System.nanoTime() < deadline) Thread.sleep(20);
        List<OpusPacket> got = new ArrayList<>(received);
        assertThat(got).hasSize(25);
        for (int i = 0; i < 25; i++) {
            assertThat(got.get(i).getOpusAudio()).isEqualTo(aliceSays.get(i));
            assertThat(got.get(i).getUserId()).isEqualTo(alice.id());
        }
    }

    @Test
    void aWrongTokenIsRefused() {
        JDABuilder b = JDABuilder.createDefault("not-a-real-token", EnumSet.noneOf(GatewayIntent.class));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiscordEndpoints.standIn(standIn).applyTo(b).build())
                .isInstanceOf(net.dv8tion.jda.api.exceptions.InvalidTokenException.class);
    }
}
