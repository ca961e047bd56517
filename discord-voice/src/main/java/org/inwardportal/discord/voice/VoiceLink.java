package org.inwardportal.discord.voice;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.audio.AudioReceiveHandler;
import net.dv8tion.jda.api.audio.OpusPacket;
import net.dv8tion.jda.api.audio.SpeakingMode;
import net.dv8tion.jda.api.audio.hooks.ConnectionListener;
import net.dv8tion.jda.api.audio.hooks.ConnectionStatus;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.UserSnowflake;
import net.dv8tion.jda.api.entities.channel.concrete.VoiceChannel;
import net.dv8tion.jda.api.managers.AudioManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bot's voice connection in one guild, kept in the channel it was asked to be in: Opus out
 * from an {@link OpusFrameSource}, Opus in per speaker to an {@link OpusSink}, never decoded.
 * When Discord drops the connection the link rejoins by itself (JDA resumes 4006/4015 on its own;
 * after 4014 or a lost session the link opens a new connection, backing off up to 5 s). Close
 * code 4017 (DAVE required) ends in FAILED with one clear log line.
 */
public final class VoiceLink {
    private static final Logger log = LoggerFactory.getLogger(VoiceLink.class);
    /** A speaker with no packet for this long has stopped speaking. */
    static final long SPEAKING_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final DiscordBot bot;
    private final long guildId;
    private final VoiceEvents events;
    private final OpusSink sink;
    private final OpusSendHandler sender;
    private final ScheduledExecutorService timer;
    private final VoiceCloseCodes closeCodes = new VoiceCloseCodes();
    private final Map<Long, SpeakerState> speakers = new ConcurrentHashMap<>();
    private final AtomicLong framesReceived = new AtomicLong();
    private volatile Long wantedChannel;
    private volatile VoiceLinkState state = VoiceLinkState.IDLE;
    private volatile String reason = "";
    private int attempts;
    private ScheduledFuture<?> rejoin;

    private static final class SpeakerState {
        final Speaker speaker;
        volatile long lastPacketNanos;
        final java.util.concurrent.atomic.AtomicBoolean speaking = new java.util.concurrent.atomic.AtomicBoolean();

        SpeakerState(Speaker speaker) {
            this.speaker = speaker;
        }
    }

    VoiceLink(DiscordBot bot, long guildId, VoiceEvents events, OpusSink sink, OpusFrameSource source,
              ScheduledExecutorService timer) {
        this.bot = bot;
        this.guildId = guildId;
        this.events = events;
        this.sink = sink;
        this.sender = new OpusSendHandler(source);
        this.timer = timer;
        SpeakingSweeper.SHARED.add(this);
    }

    /** Takes over the guild's audio manager; called once the bot has reserved the guild for this link. */
    void attach() {
        AudioManager m = manager();
        m.setSendingHandler(sender);
        m.setReceivingHandler(new Receiver());
        m.setConnectionListener(new StatusListener());
        m.setSelfDeafened(false);
    }

    public long guildId() {
        return guildId;
    }

    public VoiceLinkState state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    public Long channelId() {
        return wantedChannel;
    }

    public long framesSent() {
        return sender.framesSent.get();
    }

    public long silenceFramesSent() {
        return sender.silenceFramesSent.get();
    }

    public long framesReceived() {
        return framesReceived.get();
    }

    /** Tells the send thread a frame is ready, so it leaves now rather than at the next 20 ms slot. Never blocks. */
    public void frameReady() {
        sender.wake();
    }

    /** Who a user id that has spoken here is (display name as of their first packet). */
    public Speaker speaker(long userId) {
        SpeakerState s = speakers.get(userId);
        return s != null ? s.speaker : speakerFor(userId);
    }

    OpusSendHandler sender() {
        return sender;
    }

    /** Replaces what is sent. */
    public void source(OpusFrameSource source) {
        sender.source(source);
    }

    /** Joins the voice channel, or moves there if already in another one of this guild. */
    public synchronized void join(long channelId) {
        VoiceChannel channel = guild().getVoiceChannelById(channelId);
        if (channel == null) {
            throw new IllegalArgumentException("no voice channel " + channelId + " in guild " + guildId);
        }
        wantedChannel = channelId;
        attempts = 0;
        cancelRejoin();
        state = VoiceLinkState.IDLE; // an explicit join clears an earlier failure
        setState(VoiceLinkState.CONNECTING, "joining " + channel.getName());
        try {
            manager().openAudioConnection(channel);
        } catch (RuntimeException e) {
            fail("cannot join voice channel " + channel.getName() + ": " + e.getMessage());
        }
    }

    public void move(long channelId) {
        join(channelId);
    }

    /** Leaves voice; the link stays usable for a later join. */
    public synchronized void leave() {
        wantedChannel = null;
        cancelRejoin();
        manager().closeAudioConnection();
        setState(VoiceLinkState.IDLE, "left");
    }

    /** Leaves voice and releases the guild's audio manager for another link. */
    public void close() {
        leave();
        SpeakingSweeper.SHARED.remove(this);
        AudioManager m = manager();
        m.setSendingHandler(null);
        m.setReceivingHandler(null);
        m.setConnectionListener(null);
        bot.unlink(this);
    }

    /** Drops a link that never took over the audio manager. */
    void discard() {
        SpeakingSweeper.SHARED.remove(this);
    }

    /** Waits until the link is READY (true) or the timeout passes (false). */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state != VoiceLinkState.READY) {
            if (System.nanoTime() > deadline || state == VoiceLinkState.FAILED) return false;
            Thread.sleep(10);
        }
        return true;
    }

    private Guild guild() {
        Guild g = bot.jda().getGuildById(guildId);
        if (g == null) {
            throw new IllegalStateException("bot " + bot.name() + " is not in guild " + guildId);
        }
        return g;
    }

    private AudioManager manager() {
        return guild().getAudioManager();
    }

    /** FAILED is final until the next explicit join. */
    private void setState(VoiceLinkState next, String why) {
        VoiceLinkState prev;
        synchronized (this) {
            prev = state;
            if (prev == VoiceLinkState.FAILED && next != VoiceLinkState.FAILED) return;
            state = next;
            reason = why;
        }
        if (prev != next) {
            events.stateChanged(next, why);
        }
    }

    private synchronized void fail(String why) {
        wantedChannel = null;
        cancelRejoin();
        log.error("voice in guild {}: {}", guildId, why);
        setState(VoiceLinkState.FAILED, why);
        timer.execute(() -> {
            try {
                manager().closeAudioConnection();
            } catch (RuntimeException ignored) {
                // the guild may be gone already
            }
        });
    }

    private synchronized void scheduleRejoin(String why) {
        Long channel = wantedChannel;
        if (channel == null || state == VoiceLinkState.FAILED || (rejoin != null && !rejoin.isDone())) {
            return;
        }
        long delay = Math.min(MAX_BACKOFF_MS, 250L << Math.min(attempts++, 5));
        setState(VoiceLinkState.RECONNECTING, why);
        log.info("voice in guild {}: {}; rejoining in {} ms", guildId, why, delay);
        rejoin = timer.schedule(() -> {
            synchronized (VoiceLink.this) {
                Long ch = wantedChannel;
                if (ch == null || state == VoiceLinkState.FAILED) return;
                VoiceChannel vc = bot.jda().getVoiceChannelById(ch);
                if (vc == null) {
                    wantedChannel = null;
                    setState(VoiceLinkState.IDLE, "voice channel " + ch + " no longer exists");
                    events.channelDeleted(ch);
                    return;
                }
                try {
                    manager().openAudioConnection(vc);
                } catch (RuntimeException e) {
                    // e.g. missing permission: keep trying with backoff rather than stall in RECONNECTING
                    rejoin = null;
                    scheduleRejoin("rejoin failed: " + e.getMessage());
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void cancelRejoin() {
        if (rejoin != null) {
            rejoin.cancel(false);
            rejoin = null;
        }
    }

    private void onServerClose(int code) {
        String meaning = VoiceCloseCodes.describe(code);
        if (code == 4017) {
            fail("Discord closed the voice connection with 4017 (" + meaning + "): this relay offered no DAVE support;"
                    + " run it where libdave loads (glibc >= 2.38) or enable the Java DAVE implementation");
            return;
        }
        log.info("voice in guild {}: closed by Discord with {} ({})", guildId, code, meaning);
    }

    /** Called by the bot when a member enters or leaves the linked channel. */
    void memberMoved(Member member, Long joinedChannel, Long leftChannel) {
        Long mine = wantedChannel;
        if (mine == null || member.getIdLong() == bot.userId()) return;
        Speaker s = new Speaker(member.getIdLong(), member.getEffectiveName());
        if (mine.equals(joinedChannel)) events.memberJoined(s);
        else if (mine.equals(leftChannel)) events.memberLeft(s);
    }

    void channelDeleted(long channelId) {
        Long mine = wantedChannel;
        if (mine != null && mine == channelId) {
            wantedChannel = null;
            cancelRejoin();
            setState(VoiceLinkState.IDLE, "voice channel deleted");
            events.channelDeleted(channelId);
        }
    }

    /** Tells who stopped speaking; on the {@link SpeakingSweeper}'s thread. */
    void sweepSpeakers(long now) {
        for (SpeakerState s : speakers.values()) {
            if (now - s.lastPacketNanos > SPEAKING_TIMEOUT_NANOS && s.speaking.compareAndSet(true, false)) {
                try {
                    events.speakingStopped(s.speaker);
                } catch (RuntimeException e) {
                    log.warn("speakingStopped listener failed: {}", e.toString()); // the sweeper must survive it
                }
            }
        }
    }

    private Speaker speakerFor(long userId) {
        Guild g = bot.jda().getGuildById(guildId);
        Member m = g == null ? null : g.getMemberById(userId);
        if (m != null) return new Speaker(userId, m.getEffectiveName());
        var u = bot.jda().getUserById(userId);
        return new Speaker(userId, u != null ? u.getEffectiveName() : "user " + userId);
    }

    private final class Receiver implements AudioReceiveHandler {
        @Override
        public boolean canReceiveEncoded() {
            return true;
        }

        @Override
        public void handleEncodedAudio(OpusPacket packet) {
            long now = System.nanoTime();
            SpeakerState s = speakers.computeIfAbsent(packet.getUserId(), id -> new SpeakerState(speakerFor(id)));
            s.lastPacketNanos = now;
            if (s.speaking.compareAndSet(false, true)) {
                events.speakingStarted(s.speaker);
            }
            framesReceived.incrementAndGet();
            sink.onOpus(s.speaker, packet.getSequence(), packet.getTimestamp() & 0xffffffffL, packet.getOpusAudio());
        }
    }

    private final class StatusListener implements ConnectionListener {
        @Override
        public void onStatusChange(ConnectionStatus status) {
            try {
                closeCodes.tap(manager(), VoiceLink.this::onServerClose);
            } catch (RuntimeException e) {
                // the guild left JDA's cache: nothing to tap; never throw into JDA's close path
            }
            if (state == VoiceLinkState.FAILED) return;
            switch (status) {
                case CONNECTED -> {
                    synchronized (VoiceLink.this) {
                        attempts = 0;
                        cancelRejoin();
                    }
                    Long ch = wantedChannel;
                    VoiceChannel vc = ch == null ? null : bot.jda().getVoiceChannelById(ch);
                    setState(VoiceLinkState.READY, "in " + (vc == null ? "voice" : vc.getName()));
                }
                case CONNECTING_ATTEMPTING_UDP_DISCOVERY, CONNECTING_AWAITING_AUTHENTICATION, CONNECTING_AWAITING_ENDPOINT,
                     CONNECTING_AWAITING_READY, CONNECTING_AWAITING_WEBSOCKET_CONNECT -> {
                    if (state != VoiceLinkState.RECONNECTING) setState(VoiceLinkState.CONNECTING, status.name());
                }
                case ERROR_UNSUPPORTED_ENCRYPTION_MODES ->
                        fail("Discord offered no voice encryption mode JDA supports");
                case DISCONNECTED_LOST_PERMISSION ->
                        fail("the bot lost permission to connect to or speak in the voice channel");
                case DISCONNECTED_REMOVED_FROM_GUILD -> fail("the bot was removed from the guild");
                case DISCONNECTED_CHANNEL_DELETED -> {
                    Long ch = wantedChannel;
                    if (ch != null) channelDeleted(ch);
                }
                case SHUTTING_DOWN -> { /* the bot is stopping */ }
                // Statuses JDA itself reconnects from (ConnectionStatus.shouldReconnect()).
                case ERROR_LOST_CONNECTION, ERROR_CANNOT_RESUME, ERROR_WEBSOCKET_UNABLE_TO_CONNECT, ERROR_UDP_UNABLE_TO_CONNECT,
                     ERROR_CONNECTION_TIMEOUT, DISCONNECTED_AUTHENTICATION_FAILURE, AUDIO_REGION_CHANGE ->
                        setState(VoiceLinkState.RECONNECTING, status.name());
                // JDA gives up on these; the link rejoins while it is meant to be in a channel.
                case NOT_CONNECTED, DISCONNECTED_KICKED_FROM_CHANNEL, DISCONNECTED_REMOVED_DURING_RECONNECT -> {
                    if (wantedChannel != null) scheduleRejoin("voice connection ended (" + status.name() + ")");
                }
            }
        }

        @Override
        public void onUserSpeakingModeUpdate(UserSnowflake user, EnumSet<SpeakingMode> modes) {
            // Discord sends SPEAKING only when speech starts; the packets themselves tell us more.
        }

        @Override
        public void onPing(long ping) {
        }
    }
}
