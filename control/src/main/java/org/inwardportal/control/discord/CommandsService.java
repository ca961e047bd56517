package org.inwardportal.control.discord;

import java.time.Duration;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.discord.voice.BotState;
import org.inwardportal.discord.voice.DiscordBot;

/**
 * The relay's first ready bot speaks for it in text: {@code /portal} in every guild (one set of
 * commands, not one per bot) and the bound text channels ({@link ChannelBridge}).
 */
public final class CommandsService implements Component {
    private final DiscordService discord;
    private final PortalCommands commands;
    private final ChannelBridge bridge;
    private final PresenceUpdater presence;
    private final StatusBoard board;
    private volatile Health health = Health.starting();

    public CommandsService(DiscordService discord, PortalCommands commands, ChannelBridge bridge, PresenceUpdater presence,
                           StatusBoard board) {
        this.board = board;
        this.discord = discord;
        this.commands = commands;
        this.bridge = bridge;
        this.presence = presence;
    }

    @Override
    public String name() {
        return "commands";
    }

    @Override
    public void start() {
        DiscordBot bot = discord.bots().all().stream().filter(b -> b.state() == BotState.READY).findFirst().orElse(null);
        if (bot == null) {
            health = Health.failed("no bot is logged in to answer /portal");
            return;
        }
        commands.attachTo(bot.jda());
        bridge.attachTo(bot.jda());
        presence.start(java.time.Duration.ofSeconds(30));
        board.attachTo(bot.jda(), java.time.Duration.ofSeconds(60));
        health = Health.ready("/portal through bot " + bot.name());
    }

    @Override
    public void stop(Duration budget) {
        presence.close();
        board.close();
        health = Health.stopped();
    }

    @Override
    public Health health() {
        return health;
    }
}
