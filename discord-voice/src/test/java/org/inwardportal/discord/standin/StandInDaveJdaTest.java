package org.inwardportal.discord.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;
import net.dv8tion.jda.api.entities.Guild;
import org.inwardportal.discord.dave.JavaDaveSession;
import org.junit.jupiter.api.Test;

/**
 * {@link DaveCallScenarios} with the bot on the pure-Java session ({@code JavaDaveSession}, what
 * JDA gets from {@code JavaDaveSessionFactory}), plus what only it shows: the bot's own view of the
 * group (its refusals, its epoch authenticator), and a client without DAVE refused with 4017.
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

    /** The bot's session refused exactly the corrupted message and now shares Alice's epoch. */
    @Override
    protected void afterReportedHandshake(EmulatedMember alice) {
        JavaDaveSession b = botSession();
        assertThat(b.refusedMessages()).isEqualTo(1);
        assertThat(b.sendingEncrypted()).isTrue();
        assertThat(b.epochAuthenticator()).isEqualTo(standIn.daveSession(alice.id()).epochAuthenticator());
    }
}
