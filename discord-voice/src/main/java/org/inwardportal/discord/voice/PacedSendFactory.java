package org.inwardportal.discord.voice;

import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import net.dv8tion.jda.api.audio.factory.DefaultSendSystem;
import net.dv8tion.jda.api.audio.factory.IAudioSendFactory;
import net.dv8tion.jda.api.audio.factory.IAudioSendSystem;
import net.dv8tion.jda.api.audio.factory.IPacketProvider;

/** Gives each voice connection of a bot a {@link PacedSendSystem} driven by its link's send handler. */
final class PacedSendFactory implements IAudioSendFactory {
    private final LongFunction<OpusSendHandler> handlerOfGuild;
    private final LongSupplier clock;

    /** @param clock nanoseconds, {@link System#nanoTime} but in tests */
    PacedSendFactory(LongFunction<OpusSendHandler> handlerOfGuild, LongSupplier clock) {
        this.handlerOfGuild = handlerOfGuild;
        this.clock = clock;
    }

    @Override
    public IAudioSendSystem createSendSystem(IPacketProvider provider) {
        OpusSendHandler handler = handlerOfGuild.apply(provider.getConnectedChannel().getGuild().getIdLong());
        // a connection no link of ours owns (cannot happen through VoiceLink): JDA's own loop
        return handler == null ? new DefaultSendSystem(provider) : new PacedSendSystem(provider, handler, clock);
    }
}
