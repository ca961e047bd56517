package org.inwardportal.control.discord;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.signaling.RoomState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guild's status board ({@code /portal board}): one message that lists the guild's bound worlds
 * (name, map, players/max, or offline) and is edited in place as they change. Edits are coalesced
 * per guild to at most one per {@code minInterval} (Discord rate-limits edits per channel); a slow
 * refresh catches shards that went away. A board whose message was deleted is forgotten.
 */
public final class StatusBoard implements BindingService.WorldListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);
    static final int MAX_WORLDS = 25;

    private final BindingService bindings;
    private final StatusBoardStore store;
    private final long minIntervalNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-board");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, ScheduledFuture<?>> pending = new ConcurrentHashMap<>(); // guild → its coming edit
    private final Map<Long, Long> lastEditNanos = new ConcurrentHashMap<>();
    private final Map<Long, String> shown = new ConcurrentHashMap<>();
    private volatile JDA jda;

    public StatusBoard(BindingService bindings, StatusBoardStore store, Duration minInterval) {
        this.bindings = bindings;
        this.store = store;
        this.minIntervalNanos = minInterval.toNanos();
    }

    public void attachTo(JDA jda, Duration refreshEvery) {
        this.jda = jda;
        bindings.addListener(this);
        timer.scheduleAtFixedRate(this::requestAll, 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    public StatusBoardStore store() {
        return store;
    }

    @Override
    public void roomState(Binding b, RoomState previous, RoomState now) {
        if (previous == null || previous.count() != now.count() || !java.util.Objects.equals(previous.map(), now.map())) request(b.guildId());
    }

    @Override
    public void created(Binding b) {
        request(b.guildId());
    }

    @Override
    public void removed(String bindingId) {
        requestAll();
    }

    private void requestAll() {
        try {
            store.all().forEach(board -> request(board.guildId()));
        } catch (SQLException e) {
            log.warn("status boards not refreshed: {}", e.getMessage());
        }
    }

    /** Brings the guild's board up to date, now or as soon as the edit rate allows. */
    public void request(long guildId) {
        pending.compute(guildId, (g, p) -> {
            if (p != null && !p.isDone()) return p; // an edit is on its way and will read the newest state
            long wait = Math.max(0, lastEditNanos.getOrDefault(g, Long.MIN_VALUE / 2) + minIntervalNanos - System.nanoTime());
            return timer.schedule(() -> update(g), wait, TimeUnit.NANOSECONDS);
        });
    }

    /** Posts a new board in {@code channel} (the old one, if any, is deleted); the result says what happened. */
    public void post(TextChannel channel, String byUserId, java.util.function.Consumer<String> result) {
        long guild = channel.getGuild().getIdLong();
        String text = render(guild);
        channel.sendMessage(new MessageCreateBuilder().setContent(text).setAllowedMentions(List.of()).build()).queue(msg -> {
            try {
                Optional<StatusBoardStore.Board> old = store.put(new StatusBoardStore.Board(guild, channel.getIdLong(), msg.getIdLong()), byUserId);
                shown.put(guild, text);
                lastEditNanos.put(guild, System.nanoTime());
                old.ifPresent(o -> deleteQuietly(o));
                result.accept("The status board is in " + channel.getAsMention() + " and keeps itself up to date"
                        + (old.isPresent() ? " (the old one was removed)." : "."));
            } catch (SQLException e) {
                log.warn("status board posted but not kept: {}", e.getMessage());
                result.accept("The board is posted, but the relay cannot remember it (its store failed); it will not update.");
            }
        }, err -> result.accept("Cannot post in " + channel.getAsMention() + ": " + err.getMessage()));
    }

    /** Removes the guild's board; false if it had none. */
    public boolean remove(long guildId) throws SQLException {
        Optional<StatusBoardStore.Board> b = store.get(guildId);
        if (b.isEmpty()) return false;
        store.remove(guildId, b.get().messageId());
        shown.remove(guildId);
        deleteQuietly(b.get());
        return true;
    }

    private void deleteQuietly(StatusBoardStore.Board b) {
        JDA j = jda;
        TextChannel c = j == null ? null : j.getTextChannelById(b.channelId());
        if (c != null) c.deleteMessageById(b.messageId()).queue(ok -> { }, err -> { });
    }

    private void update(long guildId) {
        JDA j = jda;
        if (j == null) return;
        try {
            Optional<StatusBoardStore.Board> board = store.get(guildId);
            if (board.isEmpty()) return;
            String text = render(guildId);
            if (text.equals(shown.get(guildId))) return;
            TextChannel c = j.getTextChannelById(board.get().channelId());
            if (c == null) {
                forget(board.get(), "its channel is gone");
                return;
            }
            lastEditNanos.put(guildId, System.nanoTime());
            c.editMessageById(board.get().messageId(), new MessageEditBuilder().setContent(text).setAllowedMentions(List.of()).build())
                    .queue(ok -> shown.put(guildId, text), err -> {
                        if (err instanceof ErrorResponseException e && e.getErrorResponse() == ErrorResponse.UNKNOWN_MESSAGE) {
                            forget(board.get(), "its message was deleted");
                        } else {
                            log.warn("status board in guild {} not updated: {}", guildId, err.getMessage());
                        }
                    });
        } catch (SQLException | RuntimeException e) {
            log.warn("status board in guild {} not updated: {}", guildId, e.getMessage());
        }
    }

    private void forget(StatusBoardStore.Board b, String why) {
        try {
            if (store.remove(b.guildId(), b.messageId())) log.info("status board of guild {} forgotten: {}", b.guildId(), why);
            shown.remove(b.guildId());
        } catch (SQLException e) {
            log.warn("status board of guild {} not forgotten: {}", b.guildId(), e.getMessage());
        }
    }

    /** The board's text: one line per bound world of the guild. */
    String render(long guildId) {
        StringBuilder s = new StringBuilder("🌐 **Worlds**\n");
        List<Binding> worlds;
        try {
            worlds = bindings.store().byGuild(guildId);
        } catch (SQLException e) {
            return s.append("(the relay cannot read its store right now)").toString();
        }
        if (worlds.isEmpty()) return s.append("No world is bound here yet: `/portal bind`.").toString();
        int players = 0;
        for (Binding b : worlds.stream().limit(MAX_WORLDS).toList()) {
            s.append("• **").append(ChannelBridge.escape(b.displayName())).append("** ");
            if (!bindings.worldLive(b.shard())) {
                s.append("— offline");
            } else {
                RoomState r = bindings.roomState(b.shard());
                int max = bindings.maxPlayers(b.shard());
                if (r != null && r.map() != null) s.append("— ").append(ChannelBridge.escape(r.map())).append(" ");
                int n = r == null ? 0 : r.count();
                players += n;
                s.append("— ").append(n).append(max > 0 ? "/" + max : "").append(n == 1 && max == 0 ? " player" : " players");
            }
            s.append(" · <#").append(b.voiceChannelId()).append(">\n");
        }
        if (worlds.size() > MAX_WORLDS) s.append("… and ").append(worlds.size() - MAX_WORLDS).append(" more\n");
        return s.append(players).append(players == 1 ? " player" : " players").append(" in all").toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
