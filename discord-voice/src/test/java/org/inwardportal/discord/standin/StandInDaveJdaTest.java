package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.dv8tion.jda.api.audio.AudioSendHandler;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;
import net.dv8tion.jda.api.entities.Guild;
import org.inwardportal.discord.dave.JavaDaveSession;
import org.junit.jupiter.api.Test;

/**
 * {@link DaveCallScenarios} with the bot on the pure-Java session ({@code JavaDaveSession}, what
 * JDA gets from {@code JavaDaveSessionFactory}), plus what only it shows: the bot's own view of the
 * group, and a client without DAVE refused with 4017.
 */
class StandInDaveJdaTest extends DaveCallScenarios {
    private final List<JavaDaveSession> botSessions = new ArrayList<>();

    /** JavaDaveSessionFactory, keeping the sessions JDA makes so the test can watch them. */
    @Override
    protected DaveSessionFactory factory() {
        return (callbacks, userId, channelId) -> {
            JavaDaveSession s = new JavaDaveSession(callbacks, userId, channelId);
            synchronized (botSessions) {
                botSessions.add(s);
            }
            return s;
        };
    }

    private JavaDaveSession botSession() {
        synchronized (botSessions) {
            return botSessions.isEmpty() ? null : botSessions.getLast();
        }
    }

    @Override
    protected byte[] botEpochAuthenticator() {
        JavaDaveSession s = botSession();
        assertThat(s).isNotNull();
        assertThat(s.refusedMessages()).isZero();
        return s.epochAuthenticator();
    }

    @Test
    void aClientWithoutDaveIsClosedWith4017() throws Exception {
        StandInWorld.User bot = standIn.addBot("Portal");
        jda = login(bot, null); // JDA's passthrough session: max_dave_protocol_version 0
        Guild guild = jda.getGuildById(standIn.world().guildId());
        guild.getAudioManager().openAudioConnection(guild.getVoiceChannelsByName("World", false).getFirst());
        await("a voice IDENTIFY", 10, () -> standIn.voiceIdentifies(bot.id()) >= 1);
        await("closed with 4017", 5, () -> standIn.daveRequiredCloses() >= 1);
        Thread.sleep(500);
        assertThat(standIn.voiceReady(bot.id())).isFalse();
    }

    @Test
    void aCorruptedCommitOrWelcomeIsReportedWithOp31AndTheBotIsReAdded() throws Exception {
        StandInWorld.User bot = standIn.addBot("Portal");
        EmulatedMember alice = standIn.addMember("Alice");
        var world = standIn.world().channel("World");
        alice.joinVoice(world);
        await("Alice's session", 5, () -> standIn.daveSession(alice.id()) != null);
        standIn.corruptNextDaveHandshake(world.id(), bot.id()); // whichever the bot gets first: the welcome or its own commit
        jda = login(bot, factory());
        Guild guild = jda.getGuildById(standIn.world().guildId());
        ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
        guild.getAudioManager().setSendingHandler(new AudioSendHandler() {
            @Override
            public boolean canProvide() {
                return !queue.isEmpty();
            }

            @Override
            public ByteBuffer provide20MsAudio() {
                return ByteBuffer.wrap(queue.poll());
            }

            @Override
            public boolean isOpus() {
                return true;
            }
        });
        guild.getAudioManager().openAudioConnection(guild.getVoiceChannelsByName("World", false).getFirst());

        await("the bot reported the bad handshake and was re-added", 10, () -> {
            JavaDaveSession b = botSession();
            DaveGroupStats g = standIn.daveGroup(world.id());
            // Alone with Alice, the bot's report leaves her the sole holder: the gateway re-creates the group (epoch 1 again).
            return b != null && g.invalidReports() == 1 && g.established() && g.leaves().contains(bot.id())
                    && g.transitionsExecuted() >= 2 && b.sendingEncrypted() && b.epoch() == g.epoch()
                    && standIn.daveSession(alice.id()).epoch() == g.epoch();
        });
        assertThat(botSession().refusedMessages()).isEqualTo(1);
        assertThat(botSession().epochAuthenticator()).isEqualTo(standIn.daveSession(alice.id()).epochAuthenticator());
        Thread.sleep(100);
        alice.clearHeard();
        for (int i = 0; i < 20; i++) queue.add(marker("bot", i));
        List<Heard> heard = alice.awaitHeard(20, java.time.Duration.ofSeconds(5));
        for (int i = 0; i < 20; i++) assertThat(heard.get(i).opus()).isEqualTo(marker("bot", i));
    }
}
