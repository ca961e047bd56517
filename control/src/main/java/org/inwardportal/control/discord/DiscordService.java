package org.inwardportal.control.discord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.inwardportal.control.config.Secret;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.StandInWorld;
import org.inwardportal.discord.voice.BotState;
import org.inwardportal.discord.voice.DaveImplementation;
import org.inwardportal.discord.voice.DaveMode;
import org.inwardportal.discord.voice.DiscordBot;
import org.inwardportal.discord.voice.DiscordBots;
import org.inwardportal.discord.voice.DiscordEndpoints;
import org.inwardportal.discord.voice.VoiceLinkState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's Discord side: the configured bots logged in to Discord, or, in local mode (no
 * token), one bot logged in to the built-in Discord stand-in. Ready when every bot is; a refused
 * token or a missing DAVE implementation shows as FAILED with the reason in /readyz.
 */
public final class DiscordService implements Component {
    private static final Logger log = LoggerFactory.getLogger(DiscordService.class);
    static final Duration LOGIN_WAIT = Duration.ofSeconds(30);

    private final List<Secret> tokens;
    private final DiscordEndpoints endpoints;
    private final DaveMode daveMode;
    private volatile java.util.function.LongSupplier localWorldCreated = System::currentTimeMillis;
    private volatile DiscordStandIn standIn;
    private volatile DiscordBots bots;

    /** Configured tokens against real Discord; none: local mode. */
    public DiscordService(List<Secret> tokens) {
        this(tokens, DiscordEndpoints.discord());
    }

    /** Configured tokens and DAVE implementation ({@code dave}) against real Discord; no token: local mode. */
    public DiscordService(List<Secret> tokens, DaveMode daveMode) {
        this(tokens, DiscordEndpoints.discord(), daveMode);
    }

    /** Configured tokens against the given endpoints (tests point them at a stand-in), {@code dave = auto}. */
    public DiscordService(List<Secret> tokens, DiscordEndpoints endpoints) {
        this(tokens, endpoints, DaveMode.AUTO);
    }

    public DiscordService(List<Secret> tokens, DiscordEndpoints endpoints, DaveMode daveMode) {
        this.tokens = List.copyOf(tokens);
        this.endpoints = endpoints;
        this.daveMode = daveMode;
    }

    @Override
    public String name() {
        return "discord";
    }

    /**
     * In local mode, when the stand-in's world was first made (kept in the store): the same world,
     * with the same ids, comes back after a restart, and so do bindings made in it.
     */
    public void localWorldCreated(java.util.function.LongSupplier createdAtMillis) {
        this.localWorldCreated = createdAtMillis;
    }

    public boolean localMode() {
        return tokens.isEmpty();
    }

    /** The stand-in in local mode, else null. */
    public DiscordStandIn standIn() {
        return standIn;
    }

    public DiscordBots bots() {
        return bots;
    }

    @Override
    public void start() throws Exception {
        DaveImplementation dave = DaveImplementation.select(daveMode);
        log.info("DAVE: {}", dave.description());
        if (!dave.usable() && !(endpoints.isRealDiscord() && !localMode())) {
            dave = DaveImplementation.select(DaveMode.OFF); // the stand-in does without DAVE
            log.warn("DAVE: {}; against the local stand-in the bots go without DAVE", DaveImplementation.select(daveMode).description());
        }
        List<DiscordBot> list = new ArrayList<>();
        if (localMode()) {
            standIn = DiscordStandIn.start(localWorldCreated.getAsLong());
            StandInWorld.User botUser = standIn.addBot("Inward Portal");
            log.info("local mode: Discord stand-in at {} (gateway {}), guild '{}' (id {}), channels {}", standIn.restBaseUrl(),
                    standIn.gatewayUri(), standIn.world().guildName(), standIn.world().guildId(), standIn.world().channels().stream()
                            .map(c -> (c.type() == StandInWorld.VOICE ? "voice " : "#") + c.name() + " (id " + c.id() + ")")
                            .collect(Collectors.joining(", ")));
            list.add(DiscordBot.login("local", botUser.token(), DiscordEndpoints.standIn(standIn), dave));
        } else {
            if (endpoints.isRealDiscord() && !dave.encrypts()) {
                throw new IllegalStateException("cannot connect to Discord, which requires end-to-end voice encryption (DAVE) since"
                        + " 2026-03-01: " + dave.description());
            }
            for (int i = 0; i < tokens.size(); i++) {
                list.add(DiscordBot.login("bot-" + (i + 1), tokens.get(i).reveal(), endpoints, dave));
            }
        }
        bots = new DiscordBots(list);
        long deadline = System.nanoTime() + LOGIN_WAIT.toNanos();
        for (DiscordBot b : list) {
            b.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    @Override
    public void stop(Duration budget) {
        if (bots != null) bots.close();
        if (standIn != null) standIn.close();
    }

    @Override
    public Health health() {
        if (bots == null) return Health.starting();
        List<DiscordBot> all = bots.all();
        String detail = (localMode() ? "local stand-in; " : "") + all.stream()
                .map(b -> b.name() + ": " + b.state().name().toLowerCase() + (b.state() == BotState.READY ? "" : " (" + b.reason() + ")"))
                .collect(Collectors.joining("; "));
        String failedLinks = all.stream().flatMap(b -> b.links().stream().filter(l -> l.state() == VoiceLinkState.FAILED)
                        .map(l -> b.name() + " voice in guild " + l.guildId() + " failed: " + l.reason()))
                .collect(Collectors.joining("; "));
        if (!failedLinks.isEmpty()) detail = detail + "; " + failedLinks;
        if (all.stream().anyMatch(b -> b.state() == BotState.FAILED) || !failedLinks.isEmpty()) return Health.failed(detail);
        if (all.stream().allMatch(b -> b.state() == BotState.READY)) return Health.ready(detail);
        return new Health(Health.State.STARTING, detail);
    }
}
