package org.inwardportal.control.binding;

import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.inwardportal.control.discord.DiscordService;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.control.media.MediaService;
import org.inwardportal.discord.voice.VoiceEvents;
import org.inwardportal.discord.voice.VoiceLinkState;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.signaling.SignalingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bindings at run time. On start every stored binding is opened: a bot joins its voice channel
 * (again, after a restart or a crash) and waits for the shard; shards that connect are joined to
 * their binding through the signaling hooks ({@link #hooks}). Creating and removing bindings
 * (slash commands, the HTTP API) goes through here so the store and the live state agree.
 */
public final class BindingService implements Component {
    private static final Logger log = LoggerFactory.getLogger(BindingService.class);

    private final BindingStore store;
    private final DiscordService discord;
    private final MediaService media;
    private final Supplier<SignalingServer> signaling;
    private final MeterRegistry registry;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LiveBinding> live = new ConcurrentHashMap<>();      // by binding id
    private final Map<String, String> failed = new ConcurrentHashMap<>();         // binding id → why it is not live
    private final Map<String, org.inwardportal.signaling.RoomState> rooms = new ConcurrentHashMap<>(); // shard → its last room.state
    private final Map<String, UroPoller.Listed> directory = new ConcurrentHashMap<>(); // shard → its shard-directory entry
    private final java.util.List<WorldListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean started;

    /** What the worlds of bindings say and do, for those who tell Discord about it. */
    public interface WorldListener {
        /** A {@code chat} line from a bound world. */
        default void chat(Binding b, String fromPlayerId, String fromName, String text) {
        }

        /** A bound world's {@code room.state}; {@code previous} is null for the first since the relay started. */
        default void roomState(Binding b, org.inwardportal.signaling.RoomState previous, org.inwardportal.signaling.RoomState now) {
        }

        /** A binding was removed. */
        default void removed(String bindingId) {
        }

        /** A binding was made (not called for bindings opened again at start). */
        default void created(Binding b) {
        }
    }

    public void addListener(WorldListener l) {
        listeners.add(l);
    }

    public BindingService(BindingStore store, DiscordService discord, MediaService media, Supplier<SignalingServer> signaling,
                          MeterRegistry registry) {
        this.store = store;
        this.discord = discord;
        this.media = media;
        this.signaling = signaling;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "bindings";
    }

    public BindingStore store() {
        return store;
    }

    @Override
    public void start() throws Exception {
        List<Binding> all = store.all();
        for (Binding b : all) open(b);
        started = true;
        if (!all.isEmpty()) log.info("{} binding(s) opened, {} not", live.size(), failed.size());
    }

    /** A binding that names something Discord does not have. */
    public static final class Invalid extends Exception {
        public final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /**
     * Checks a new binding against Discord as the bots see it: a guild one of them is in, a voice
     * channel of that guild, a text channel of it when one is named.
     */
    public void check(Binding b) throws Invalid {
        net.dv8tion.jda.api.entities.Guild guild = discord.bots().all().stream()
                .filter(bot -> bot.state() == org.inwardportal.discord.voice.BotState.READY)
                .map(bot -> bot.jda().getGuildById(b.guildId())).filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> new Invalid("guild", "none of the relay's bots is in guild " + b.guildId()));
        if (guild.getVoiceChannelById(b.voiceChannelId()) == null) {
            throw new Invalid("voiceChannel", "guild " + guild.getName() + " has no voice channel " + b.voiceChannelId());
        }
        if (b.textChannelId() != null && guild.getTextChannelById(b.textChannelId()) == null) {
            throw new Invalid("textChannel", "guild " + guild.getName() + " has no text channel " + b.textChannelId());
        }
    }

    /** Stores a new binding and opens it. */
    public Binding create(Binding b) throws SQLException, BindingStore.Conflict {
        store.insert(b);
        log.info("binding {} created: shard {} ↔ voice channel {} in guild {} (by {})", b.id(), b.shard(), b.voiceChannelId(),
                b.guildId(), b.createdBy());
        open(b);
        listeners.forEach(x -> x.created(b));
        return b;
    }

    /** Pauses (true) or resumes a binding's audio both ways, and keeps that in the store; false if it is not live. */
    public boolean pause(String bindingId, boolean pause) throws SQLException {
        LiveBinding l = live.get(bindingId);
        if (l == null) return false;
        store.paused(bindingId, pause, java.time.Instant.now());
        l.pipeline().paused(pause);
        return true;
    }

    public boolean paused(String bindingId) {
        LiveBinding l = live.get(bindingId);
        return l != null && l.pipeline().paused();
    }

    /** Closes and deletes a binding; false if there was none. */
    public boolean remove(String id, String why) throws SQLException {
        LiveBinding l = live.remove(id);
        failed.remove(id);
        if (l != null) l.close();
        boolean deleted = store.delete(id);
        if (deleted) {
            log.info("binding {} removed: {}", id, why);
            listeners.forEach(x -> x.removed(id));
        }
        return deleted;
    }

    /** The live binding of a shard, if its binding is open. */
    public Optional<LiveBinding> liveOf(String bindingId) {
        return Optional.ofNullable(live.get(bindingId));
    }

    /** Why a stored binding is not live, or null. */
    public String problem(String bindingId) {
        return failed.get(bindingId);
    }

    private void open(Binding b) {
        try {
            int ssrc = random.nextInt() | 1; // never 0
            boolean paused = store.paused(b.id());
            LiveBinding l = new LiveBinding(b.id(), media.endpoint(), ssrc, b.toShard(),
                    (sink, source) -> discord.bots().link(b.guildId(), events(b), sink, source),
                    shardChannel(b.shard()), registry);
            if (paused) l.pipeline().paused(true);
            live.put(b.id(), l);
            failed.remove(b.id());
            l.join(b.voiceChannelId());
        } catch (RuntimeException | SQLException | org.inwardportal.discord.voice.DiscordBots.NoFreeBotException e) {
            failed.put(b.id(), e.getMessage());
            log.warn("binding {} (shard {}) cannot open: {}", b.id(), b.shard(), e.getMessage());
        }
    }

    private LiveBinding.ShardChannel shardChannel(String shard) {
        return new LiveBinding.ShardChannel() {
            @Override
            public void offerTracks(List<SdpAnswerer.Track> tracks) {
                SignalingServer s = signaling.get();
                if (s != null) s.offerTracks(shard, tracks);
            }

            @Override
            public void speakers(List<SignalingServer.Speaker> speakers) {
                SignalingServer s = signaling.get();
                if (s != null) s.sendTo(shard, SignalingServer.speakers(speakers));
            }
        };
    }

    private VoiceEvents events(Binding b) {
        return new VoiceEvents() {
            @Override
            public void channelDeleted(long channelId) {
                try {
                    remove(b.id(), "its voice channel was deleted");
                } catch (SQLException e) {
                    log.warn("binding {}: voice channel deleted, but the binding cannot be removed: {}", b.id(), e.getMessage());
                }
            }

            @Override
            public void stateChanged(VoiceLinkState state, String reason) {
                log.debug("binding {} voice: {} ({})", b.id(), state, reason);
            }
        };
    }

    /** What the signaling server asks about shards: their binding's media sink, tracks and id. */
    public SignalingServer.Hooks hooks() {
        return new SignalingServer.Hooks() {
            @Override
            public MediaSink sinkFor(String shardId) {
                return liveByShard(shardId).map(LiveBinding::shardSink).orElse(MediaSink.DISCARD);
            }

            @Override
            public Map<String, SdpAnswerer.Track> sendingTo(String shardId) {
                return liveByShard(shardId).map(LiveBinding::sending).orElse(Map.of());
            }

            @Override
            public MediaSink viewerSink(org.inwardportal.signaling.Invites.Invite invite, Map<String, SdpAnswerer.Track> sending) {
                LiveBinding l = live.get(invite.binding());
                return l == null ? MediaSink.DISCARD : l.viewerSink(invite, sending);
            }

            @Override
            public void roomState(String shardId, org.inwardportal.signaling.RoomState state) {
                org.inwardportal.signaling.RoomState previous = rooms.get(shardId);
                bindingOfShard(shardId).ifPresent(b -> listeners.forEach(x -> x.roomState(b, previous, state)));
                rooms.put(shardId, state); // after the listeners: whoever sees it has seen them done
            }

            @Override
            public void chat(String shardId, String fromPlayerId, String fromName, String text) {
                bindingOfShard(shardId).ifPresent(b -> listeners.forEach(x -> x.chat(b, fromPlayerId, fromName, text)));
            }

            @Override
            public String bindingOf(String shardId) {
                try {
                    return store.byShard(shardId).map(Binding::id).orElse(null);
                } catch (SQLException e) {
                    log.warn("cannot read the binding of shard {}: {}", shardId, e.getMessage());
                    return null;
                }
            }
        };
    }

    private Optional<Binding> bindingOfShard(String shardId) {
        try {
            return store.byShard(shardId);
        } catch (SQLException e) {
            log.warn("cannot read the binding of shard {}: {}", shardId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The world's state: the shard's own last {@code room.state} while it is connected, else what
     * the shard directory lists (a count, no names), else null.
     */
    public org.inwardportal.signaling.RoomState roomState(String shard) {
        org.inwardportal.signaling.RoomState own = rooms.get(shard);
        if (own != null && (shardConnected(shard) || !directory.containsKey(shard))) return own;
        UroPoller.Listed l = directory.get(shard);
        return l == null ? own : fromDirectory(l);
    }

    private static org.inwardportal.signaling.RoomState fromDirectory(UroPoller.Listed l) {
        return new org.inwardportal.signaling.RoomState(l.name(), l.map(), List.of(), l.currentUsers());
    }

    /** The most players the directory says the world takes, or 0 when unknown. */
    public int maxPlayers(String shard) {
        UroPoller.Listed l = directory.get(shard);
        return l == null ? 0 : l.maxUsers();
    }

    /** Whether the world is live: its shard is connected, or the shard directory lists it. */
    public boolean worldLive(String shard) {
        return shardConnected(shard) || directory.containsKey(shard);
    }

    /** The shard directory's latest list: counts for bound worlds that do not report their own. */
    void directory(List<UroPoller.Listed> listed) throws SQLException {
        for (Binding b : store.all()) {
            UroPoller.Listed l = listed.stream().filter(x -> UroPoller.names(x, b)).findFirst().orElse(null);
            org.inwardportal.signaling.RoomState before = roomState(b.shard());
            if (l == null) directory.remove(b.shard());
            else directory.put(b.shard(), l);
            if (shardConnected(b.shard()) && rooms.containsKey(b.shard())) continue; // its own reports win
            org.inwardportal.signaling.RoomState after = l != null ? fromDirectory(l)
                    : before != null ? new org.inwardportal.signaling.RoomState(before.world(), before.map(), List.of(), 0) : null;
            if (after != null && (before == null || before.count() != after.count())) {
                listeners.forEach(x -> x.roomState(b, before, after));
            }
        }
    }

    /** The signaling server, once started (null before). */
    public SignalingServer signaling() {
        return signaling.get();
    }

    public boolean shardConnected(String shard) {
        SignalingServer s = signaling.get();
        return s != null && s.shards().contains(shard);
    }

    /** The median added latency toward Discord so far, in ms, once frames have passed. */
    public Optional<Double> addedLatency(String bindingId) {
        var t = registry.find("relay.binding.added.latency").tag("binding", bindingId).tag("direction", "to_discord").timer();
        if (t == null || t.count() == 0) return Optional.empty();
        for (var p : t.takeSnapshot().percentileValues()) {
            if (p.percentile() == 0.5) return Optional.of(p.value(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        return Optional.empty();
    }

    private Optional<LiveBinding> liveByShard(String shardId) {
        return bindingOfShard(shardId).map(b -> live.get(b.id()));
    }

    @Override
    public void stop(Duration budget) {
        started = false;
        live.values().forEach(LiveBinding::close);
        live.clear();
    }

    @Override
    public Health health() {
        if (!started) return Health.starting();
        String detail = live.size() + " open" + (failed.isEmpty() ? "" : ", " + failed.size() + " not: "
                + failed.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining("; ")));
        return Health.ready(detail);
    }
}
