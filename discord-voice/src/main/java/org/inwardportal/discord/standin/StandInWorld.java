package org.inwardportal.discord.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the stand-in's Discord contains: one guild with text and voice channels, its users (bots
 * with tokens, and emulated people), and who sits in which voice channel. Thread-safe.
 */
public final class StandInWorld {
    /** Channel types as Discord numbers them. */
    public static final int TEXT = 0;
    public static final int VOICE = 2;

    public record User(long id, String name, boolean bot, String token) {
    }

    /** The guild's roles besides @everyone and the bots' own; members can be given them when added. */
    public enum Role {
        /** Manage Channels: may bind and unbind, kick and mute. */
        MODERATORS("Moderators", 1L << 4),
        /** No extra permission: the kind of role ops name in the configuration. */
        WORLD_BUILDERS("World Builders", 0);

        public final String displayName;
        final long permissions;

        Role(String displayName, long permissions) {
            this.displayName = displayName;
            this.permissions = permissions;
        }
    }

    public static final class GuildChannel {
        final long id;
        final int type;
        final String name;
        final int position;
        volatile String topic;
        /** Members denied VIEW_CHANNEL here by a member permission overwrite. */
        final java.util.Set<Long> hiddenFrom = java.util.concurrent.ConcurrentHashMap.newKeySet();

        GuildChannel(long id, int type, String name, int position) {
            this.id = id;
            this.type = type;
            this.name = name;
            this.position = position;
        }

        public long id() {
            return id;
        }

        public int type() {
            return type;
        }

        public String name() {
            return name;
        }

        public String topic() {
            return topic;
        }
    }

    /** Discord's epoch (2015-01-01) for snowflakes. */
    static final long DISCORD_EPOCH_MS = 1_420_070_400_000L;
    private final AtomicLong lastId = new AtomicLong();
    private final AtomicLong lastStructureId;
    private final long guildId;
    private final String guildName;
    private final List<GuildChannel> channels = new CopyOnWriteArrayList<>();
    private final Map<Long, User> users = new ConcurrentHashMap<>();
    private final Map<Long, Long> voiceChannelOf = new ConcurrentHashMap<>();
    private final Map<Long, java.util.Set<Role>> rolesOf = new ConcurrentHashMap<>();
    private final long ownerId;

    public StandInWorld(String guildName) {
        this(guildName, System.currentTimeMillis());
    }

    /**
     * A world whose guild, channels and users have ids made from {@code createdAtMillis} and the
     * order of creation: the same world built again gets the same ids (local mode keeps its
     * bindings across restarts this way). Interactions and messages still get current ids.
     */
    public StandInWorld(String guildName, long createdAtMillis) {
        long first = (createdAtMillis - DISCORD_EPOCH_MS) << 22;
        this.lastStructureId = new AtomicLong(first - 1);
        this.lastId.set(first + (1L << 21)); // current ids stay clear of the structure's, even within the same millisecond
        this.guildId = structureId();
        this.guildName = guildName;
        this.ownerId = addUser("Owner", false, null).id();
    }

    // the guild, channels and users: reproducible from the world's creation time
    private long structureId() {
        return lastStructureId.incrementAndGet();
    }

    /**
     * A real, current snowflake: (ms since Discord's epoch) << 22, plus a counter. JDA reads the
     * creation time from ids (an interaction older than 15 minutes is "expired"), so they must be.
     */
    long nextId() {
        long byClock = (System.currentTimeMillis() - DISCORD_EPOCH_MS) << 22;
        return lastId.updateAndGet(prev -> Math.max(prev + 1, byClock));
    }

    public long guildId() {
        return guildId;
    }

    public String guildName() {
        return guildName;
    }

    public long ownerId() {
        return ownerId;
    }

    public GuildChannel addChannel(int type, String name) {
        GuildChannel c = new GuildChannel(structureId(), type, name, channels.size());
        channels.add(c);
        return c;
    }

    public List<GuildChannel> channels() {
        return List.copyOf(channels);
    }

    public Optional<GuildChannel> channel(long id) {
        return channels.stream().filter(c -> c.id == id).findFirst();
    }

    public GuildChannel channel(String name) {
        return channels.stream().filter(c -> c.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no channel named " + name));
    }

    boolean removeChannel(long id) {
        return channels.removeIf(c -> c.id == id);
    }

    public User addUser(String name, boolean bot, String token) {
        User u = new User(structureId(), name, bot, token);
        users.put(u.id(), u);
        return u;
    }

    /** Gives a user roles (before the user is announced to bots, so their caches know). */
    void grant(long userId, java.util.Collection<Role> roles) {
        rolesOf.computeIfAbsent(userId, k -> java.util.EnumSet.noneOf(Role.class)).addAll(roles);
    }

    public java.util.Set<Role> roles(long userId) {
        return rolesOf.getOrDefault(userId, java.util.Set.of());
    }

    /** A role's id: fixed offsets from the guild's. */
    public long roleId(Role r) {
        return guildId + 1_001 + r.ordinal();
    }

    public Optional<User> user(long id) {
        return Optional.ofNullable(users.get(id));
    }

    public Optional<User> botByToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.startsWith("Bot ") ? token.substring(4) : token;
        return users.values().stream().filter(u -> u.bot() && t.equals(u.token())).findFirst();
    }

    public List<User> users() {
        return new ArrayList<>(users.values());
    }

    /** Moves a user into a voice channel, or out of voice with {@code channelId == null}. */
    void setVoiceChannel(long userId, Long channelId) {
        if (channelId == null) {
            voiceChannelOf.remove(userId);
        } else {
            voiceChannelOf.put(userId, channelId);
        }
    }

    public Optional<Long> voiceChannelOf(long userId) {
        return Optional.ofNullable(voiceChannelOf.get(userId));
    }

    public Map<Long, Long> voiceStates() {
        return Map.copyOf(voiceChannelOf);
    }
}
