package org.inwardportal.control.discord;

import java.time.Duration;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.discord.voice.BotState;
import org.inwardportal.discord.voice.DiscordBot;

/** Puts {@code /portal} in every guild through the relay's first ready bot (one set of commands, not one per bot). */
public final class CommandsService implements Component {
    private final DiscordService discord;
    private final PortalCommands commands;
    private volatile Health health = Health.starting();

    public CommandsService(DiscordService discord, PortalCommands commands) {
        this.discord = discord;
        this.commands = commands;
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
        health = Health.ready("/portal through bot " + bot.name());
    }

    @Override
    public void stop(Duration budget) {
        health = Health.stopped();
    }

    @Override
    public Health health() {
        return health;
    }
}
