package org.inwardportal.discord.voice;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.channel.ChannelDeleteEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Discord bot account, logged in through JDA: at most one {@link VoiceLink} per guild, since
 * Discord allows a bot one voice connection per guild. The token is used once, for the login, and
 * never logged.
 */
public final class DiscordBot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiscordBot.class);

    private final String name;
    private final ScheduledExecutorService timer;
    private final Map<Long, VoiceLink> links = new ConcurrentHashMap<>();
    private volatile JDA jda;
    private volatile BotState state = BotState.CONNECTING;
    private volatile String reason = "logging in";

    private DiscordBot(String name) {
        this.name = name;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voice-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Logs in. A refused token ends in {@link BotState#FAILED} with the reason, not an exception;
     * the gateway connection completes in the background ({@link #awaitReady}).
     */
    public static DiscordBot login(String name, String token, DiscordEndpoints endpoints) {
        return login(name, token, endpoints, System::nanoTime);
    }

    /**
     * As {@link #login(String, String, DiscordEndpoints)}, with the clock the voice send threads cut
     * time into 20 ms slots by (tests move it on to simulate long silences).
     */
    public static DiscordBot login(String name, String token, DiscordEndpoints endpoints, java.util.function.LongSupplier sendClock) {
        DaveSupport libdave = DaveSupport.probe();
        return login(name, token, endpoints, sendClock, DaveImplementation.select(libdave.available() ? DaveMode.LIBDAVE : DaveMode.OFF));
    }

    /** As {@link #login(String, String, DiscordEndpoints)}, with the DAVE implementation chosen by configuration ({@code dave}). */
    public static DiscordBot login(String name, String token, DiscordEndpoints endpoints, DaveImplementation dave) {
        return login(name, token, endpoints, System::nanoTime, dave);
    }

    /** As {@link #login(String, String, DiscordEndpoints, java.util.function.LongSupplier)} with a DAVE implementation. */
    public static DiscordBot login(String name, String token, DiscordEndpoints endpoints, java.util.function.LongSupplier sendClock,
                                   DaveImplementation dave) {
        DiscordBot bot = new DiscordBot(name);
        if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
            // Checked here because JDA's own error would quote the token.
            bot.fail("the token of bot " + name + " is empty or contains white space; give the bare token, without 'Bot '");
            return bot;
        }
        JDABuilder builder = JDABuilder.createDefault(token, EnumSet.of(GatewayIntent.GUILD_VOICE_STATES, GatewayIntent.GUILD_MESSAGES,
                        GatewayIntent.MESSAGE_CONTENT))
                .enableCache(CacheFlag.VOICE_STATE)
                .disableCache(CacheFlag.EMOJI, CacheFlag.STICKER, CacheFlag.SOUNDBOARD_SOUNDS, CacheFlag.SCHEDULED_EVENTS)
                .setMemberCachePolicy(MemberCachePolicy.VOICE)
                .setAutoReconnect(true)
                .setAudioModuleConfig(dave.audioModuleConfig().withAudioSendFactory(new PacedSendFactory(bot::senderOf, sendClock)))
                .addEventListeners(bot.new Events());
        try {
            bot.jda = endpoints.applyTo(builder).build();
        } catch (InvalidTokenException e) {
            bot.fail("Discord refused the bot token of " + name + " (401 Unauthorized): check discord.tokens");
        } catch (RuntimeException e) {
            // Never e.getMessage(): JDA puts the token into some of its messages.
            bot.fail("cannot log in bot " + name + " (" + e.getClass().getSimpleName() + ")");
        }
        return bot;
    }

    private void fail(String why) {
        state = BotState.FAILED;
        reason = why;
        log.error("{}", why);
    }

    public String name() {
        return name;
    }

    public BotState state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    public JDA jda() {
        if (jda == null) throw new IllegalStateException("bot " + name + " is not logged in: " + reason);
        return jda;
    }

    public long userId() {
        return jda().getSelfUser().getIdLong();
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state == BotState.CONNECTING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return state == BotState.READY;
    }

    private OpusSendHandler senderOf(long guildId) {
        VoiceLink link = links.get(guildId);
        return link == null ? null : link.sender();
    }

    /** This bot's voice links, one per guild at most. */
    public java.util.Collection<VoiceLink> links() {
        return java.util.List.copyOf(links.values());
    }

    /** Whether this bot already holds its one voice connection in the guild. */
    public boolean busyIn(long guildId) {
        return links.containsKey(guildId);
    }

    public boolean inGuild(long guildId) {
        return jda != null && jda.getGuildById(guildId) != null;
    }

    /** This bot's voice link for a guild. Fails if it already has one there. */
    public VoiceLink link(long guildId, VoiceEvents events, OpusSink sink, OpusFrameSource source) {
        if (state != BotState.READY) {
            throw new IllegalStateException("bot " + name + " is not ready: " + reason);
        }
        VoiceLink link = new VoiceLink(this, guildId, events, sink, source, timer);
        // Reserve the guild before touching its audio manager: a refused link must not disturb the one that holds it.
        if (links.putIfAbsent(guildId, link) != null) {
            link.discard();
            throw new IllegalStateException("bot " + name + " already has a voice connection in guild " + guildId);
        }
        link.attach();
        return link;
    }

    void unlink(VoiceLink link) {
        links.remove(link.guildId(), link);
    }

    @Override
    public void close() {
        for (VoiceLink l : links.values()) {
            try {
                l.close();
            } catch (RuntimeException e) {
                log.warn("closing a voice link of {} failed: {}", name, e.toString());
            }
        }
        state = BotState.STOPPED;
        reason = "stopped";
        if (jda != null) {
            jda.shutdown();
            try {
                if (!jda.awaitShutdown(3, TimeUnit.SECONDS)) jda.shutdownNow();
            } catch (InterruptedException e) {
                jda.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
    }

    private final class Events implements EventListener {
        @Override
        public void onEvent(GenericEvent event) {
            switch (event) {
                case ReadyEvent r -> {
                    state = BotState.READY;
                    reason = "logged in as " + r.getJDA().getSelfUser().getName() + " in " + r.getGuildTotalCount() + " guild(s)";
                    log.info("bot {}: {}", name, reason);
                }
                case ShutdownEvent s -> {
                    if (state != BotState.STOPPED && state != BotState.FAILED) {
                        fail("bot " + name + " disconnected from Discord for good"
                                + (s.getCloseCode() != null ? " (" + s.getCloseCode().getCode() + ": " + s.getCloseCode().getMeaning() + ")" : ""));
                    }
                }
                case GuildVoiceUpdateEvent v -> {
                    VoiceLink link = links.get(v.getGuild().getIdLong());
                    if (link != null) {
                        link.memberMoved(v.getMember(),
                                v.getChannelJoined() == null ? null : v.getChannelJoined().getIdLong(),
                                v.getChannelLeft() == null ? null : v.getChannelLeft().getIdLong());
                    }
                }
                case ChannelDeleteEvent d -> {
                    if (d.isFromGuild()) {
                        VoiceLink link = links.get(d.getGuild().getIdLong());
                        if (link != null) link.channelDeleted(d.getChannel().getIdLong());
                    }
                }
                default -> {
                }
            }
        }
    }
}
