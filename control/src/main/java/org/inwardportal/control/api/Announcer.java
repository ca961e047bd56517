package org.inwardportal.control.api;

import java.util.List;
import java.util.Optional;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import org.inwardportal.control.discord.DiscordService;
import org.inwardportal.discord.voice.BotState;
import org.inwardportal.discord.voice.DiscordBot;

/**
 * Posts the API's messages into Discord text channels through the first bot that can see the
 * channel. Mentions are never parsed: text from outside must not ping anyone.
 */
public final class Announcer {
    private final DiscordService discord;

    public Announcer(DiscordService discord) {
        this.discord = discord;
    }

    /** The channel, if a ready bot sees it as a text channel. */
    public Optional<TextChannel> channel(long id) {
        if (discord.bots() == null) return Optional.empty();
        for (DiscordBot b : discord.bots().all()) {
            if (b.state() != BotState.READY) continue;
            TextChannel c = b.jda().getTextChannelById(id);
            if (c != null) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** Posts and waits for Discord's answer (the caller is an API thread, not an I/O loop); returns the message id. */
    public String post(TextChannel channel, String text, List<MessageEmbed> embeds) {
        var message = new MessageCreateBuilder().setContent(text).setEmbeds(embeds).setAllowedMentions(List.of()).build();
        return channel.sendMessage(message).complete().getId();
    }
}
