package org.inwardportal.control.binding;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.signaling.RoomState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what bound worlds see for {@code /portal stats}: a session starts when a world goes from
 * empty (or unknown, as after a restart) to occupied; the peak is the most players one
 * {@code room.state} reported; audio is the frames each binding carried (20 ms each), sampled from
 * its pipeline's counters every {@code every} and once more at stop, so at most one interval is lost
 * in a crash.
 */
public final class WorldStats implements Component, BindingService.WorldListener {
    private static final Logger log = LoggerFactory.getLogger(WorldStats.class);
    private static final long FRAME_MS = 20;

    private final BindingService bindings;
    private final WorldStatsStore store;
    private final Clock clock;
    private final Duration every;
    private final Map<String, Sampled> sampled = new ConcurrentHashMap<>(); // binding id → counters at the last sample
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "world-stats");
        t.setDaemon(true);
        return t;
    });

    // the pipeline the counts came from: a binding opened again starts its counters at zero
    private record Sampled(BindingPipeline pipeline, long fromDiscord, long fromShard) {
    }

    public WorldStats(BindingService bindings, WorldStatsStore store, Clock clock, Duration every) {
        this.bindings = bindings;
        this.store = store;
        this.clock = clock;
        this.every = every;
    }

    public WorldStatsStore store() {
        return store;
    }

    @Override
    public String name() {
        return "world-stats";
    }

    @Override
    public void start() {
        bindings.addListener(this);
        timer.scheduleWithFixedDelay(this::sample, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void roomState(Binding b, RoomState previous, RoomState now) {
        boolean opening = now.count() > 0 && (previous == null || previous.count() == 0);
        if (now.count() == 0) return;
        try {
            store.add(b.id(), today(), opening ? 1 : 0, now.count(), 0, 0);
        } catch (SQLException e) {
            log.warn("binding {}: stats not recorded: {}", b.id(), e.getMessage());
        }
    }

    @Override
    public void removed(String bindingId) {
        sampled.remove(bindingId);
        try {
            store.forget(bindingId);
        } catch (SQLException e) {
            log.warn("binding {}: stats not forgotten: {}", bindingId, e.getMessage());
        }
    }

    /** Adds the audio every live binding carried since the last sample to today's rows. */
    public synchronized void sample() {
        try {
            for (Binding b : bindings.store().all()) {
                bindings.liveOf(b.id()).ifPresent(l -> sample(b.id(), l.pipeline()));
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("world stats not sampled: {}", e.getMessage());
        }
    }

    private void sample(String bindingId, BindingPipeline p) {
        long discord = p.framesFromDiscord();
        long shard = p.framesFromShard();
        Sampled last = sampled.get(bindingId);
        long dDiscord = last != null && last.pipeline() == p ? discord - last.fromDiscord() : discord;
        long dShard = last != null && last.pipeline() == p ? shard - last.fromShard() : shard;
        if (dDiscord == 0 && dShard == 0 && last != null && last.pipeline() == p) return;
        try {
            store.add(bindingId, today(), 0, 0, dDiscord * FRAME_MS, dShard * FRAME_MS);
            sampled.put(bindingId, new Sampled(p, discord, shard));
        } catch (SQLException e) {
            log.warn("binding {}: audio stats not recorded (kept for the next sample): {}", bindingId, e.getMessage());
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    @Override
    public void stop(Duration budget) {
        timer.shutdownNow();
        sample();
    }

    @Override
    public Health health() {
        return Health.ready("sampling every " + every.toSeconds() + " s");
    }
}
