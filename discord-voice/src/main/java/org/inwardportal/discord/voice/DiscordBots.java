package org.inwardportal.discord.voice;

import java.util.List;

/**
 * The configured bots. Discord gives a bot one voice connection per guild, so a second binding in
 * the same guild takes the next bot that is free there.
 */
public final class DiscordBots implements AutoCloseable {
    private final List<DiscordBot> bots;

    public DiscordBots(List<DiscordBot> bots) {
        this.bots = List.copyOf(bots);
    }

    public List<DiscordBot> all() {
        return bots;
    }

    /** The first ready bot that is in the guild and has no voice connection there yet. */
    public synchronized VoiceLink link(long guildId, VoiceEvents events, OpusSink sink, OpusFrameSource source)
            throws NoFreeBotException {
        for (DiscordBot bot : bots) {
            if (bot.state() == BotState.READY && bot.inGuild(guildId) && !bot.busyIn(guildId)) {
                return bot.link(guildId, events, sink, source);
            }
        }
        long inGuild = bots.stream().filter(b -> b.state() == BotState.READY && b.inGuild(guildId)).count();
        throw new NoFreeBotException("no free bot for guild " + guildId + ": " + inGuild + " of " + bots.size()
                + " configured bot(s) are in that guild and each already has its one voice connection there;"
                + " add another bot token to discord.tokens and invite that bot to the guild");
    }

    @Override
    public void close() {
        bots.forEach(DiscordBot::close);
    }

    public static final class NoFreeBotException extends Exception {
        private static final long serialVersionUID = 1L;

        public NoFreeBotException(String message) {
            super(message);
        }
    }
}
