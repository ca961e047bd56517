package org.inwardportal.discord.dave;

import net.dv8tion.jda.api.audio.dave.DaveProtocolCallbacks;
import net.dv8tion.jda.api.audio.dave.DaveSession;
import net.dv8tion.jda.api.audio.dave.DaveSessionFactory;

/**
 * DAVE for JDA without native code: {@code new AudioModuleConfig().withDaveSessionFactory(new
 * JavaDaveSessionFactory())}. One {@link JavaDaveSession} per voice connection.
 */
public final class JavaDaveSessionFactory implements DaveSessionFactory {
    @Override
    public DaveSession createDaveSession(DaveProtocolCallbacks callbacks, long userId, long channelId) {
        return new JavaDaveSession(callbacks, userId, channelId);
    }
}
