package org.inwardportal.control.discord;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.entities.Activity;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.discord.voice.BotState;
import org.inwardportal.discord.voice.DiscordBot;
import org.inwardportal.signaling.RoomState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every bot's status shows the live totals, "12 players in 3 worlds": the players of bound worlds
 * whose shard is connected. Discord allows few presence updates (5 per minute per connection), so
 * changes are coalesced: an update goes out at most once per {@code minInterval}, carrying the
 * newest totals, and only when the text changed. A slow refresh catches shards that went away.
 */
public final class PresenceUpdater implements BindingService.WorldListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PresenceUpdater.class);

    private final BindingService bindings;
    private final DiscordService discord;
    private final long minIntervalNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "presence");
        t.setDaemon(true);
        return t;
    });
    private String shown;
    private long lastSentNanos = Long.MIN_VALUE / 2;
    private ScheduledFuture<?> pending;
    private ScheduledFuture<?> refresh;

    public PresenceUpdater(BindingService bindings, DiscordService discord, Duration minInterval) {
        this.bindings = bindings;
        this.discord = discord;
        this.minIntervalNanos = minInterval.toNanos();
    }

    public void start(Duration refreshEvery) {
        bindings.addListener(this);
        refresh = timer.scheduleAtFixedRate(this::request, 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void roomState(Binding b, RoomState previous, RoomState now) {
        if (previous == null || previous.count() != now.count()) request();
    }

    @Override
    public void removed(String bindingId) {
        request();
    }

    /** Asks for the status to be brought up to date, now or as soon as the rate allows. */
    public synchronized void request() {
        if (pending != null && !pending.isDone()) return; // an update is on its way and will read the newest totals
        long wait = Math.max(0, lastSentNanos + minIntervalNanos - System.nanoTime());
        pending = timer.schedule(this::update, wait, TimeUnit.NANOSECONDS);
    }

    /** The status text for the current totals. */
    public String text() {
        int players = 0;
        int worlds = 0;
        try {
            for (Binding b : bindings.store().all()) {
                if (!bindings.worldLive(b.shard())) continue;
                worlds++;
                RoomState r = bindings.roomState(b.shard());
                if (r != null) players += r.count();
            }
        } catch (SQLException e) {
            log.warn("presence: cannot read bindings: {}", e.getMessage());
        }
        return players + (players == 1 ? " player" : " players") + " in " + worlds + (worlds == 1 ? " world" : " worlds");
    }

    private void update() {
        String text = text();
        synchronized (this) {
            if (Objects.equals(text, shown)) return;
            shown = text;
            lastSentNanos = System.nanoTime();
        }
        for (DiscordBot bot : discord.bots().all()) {
            if (bot.state() != BotState.READY) continue;
            bot.jda().getPresence().setActivity(Activity.customStatus(text));
        }
        log.debug("presence: {}", text);
    }

    @Override
    public void close() {
        if (refresh != null) refresh.cancel(false);
        timer.shutdownNow();
    }
}
