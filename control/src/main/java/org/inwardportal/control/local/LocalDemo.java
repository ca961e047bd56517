package org.inwardportal.control.local;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.inwardportal.control.binding.Binding;
import org.inwardportal.control.binding.BindingService;
import org.inwardportal.control.discord.DiscordService;
import org.inwardportal.control.discord.SpectatorLinks;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.inwardportal.control.tokens.ShardTokens;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.signaling.SignalingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code scripts/run} shows a newcomer in local mode: the whole path working with nothing
 * configured. A synthetic shard ({@link SyntheticShard}) bound to the stand-in's {@code World}
 * voice channel and {@code #world}; two emulated members, Ada and Ben, who listen and now and then
 * talk; the addresses that matter, printed once; then every {@link #EVERY} one status line.
 */
public final class LocalDemo implements Component {
    private static final Logger log = LoggerFactory.getLogger(LocalDemo.class);
    static final Duration EVERY = Duration.ofSeconds(5);

    /** What the demo needs of the relay. */
    public record Relay(DiscordService discord, BindingService bindings, ShardTokens tokens, Supplier<SignalingServer> signaling,
                        Supplier<InetSocketAddress> http, Path apiSecretFile, SpectatorLinks links, MeterRegistry registry) {
    }

    /** An emulated member who talks now and then, at a pitch of their own. */
    private record Talker(EmulatedMember member, List<byte[]> words) {
    }

    private final Relay relay;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "demo");
        t.setDaemon(true);
        return t;
    });
    private final List<Talker> talkers = new ArrayList<>();
    private final List<String> speaking = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile SyntheticShard shard;
    private volatile Binding binding;
    private volatile StatusLine status;
    private volatile Health health = Health.starting();
    private long heardBefore, worldHeardBefore; // the demo thread's

    /** Milliseconds of Discord voice the world (the reference shard) played: the members' voices that reached it. */
    public long worldHeardMs() {
        SyntheticShard s = shard;
        return s == null ? 0 : s.heardMs();
    }

    /** The synthetic shard (null before start). */
    SyntheticShard shard() {
        return shard;
    }

    public Binding binding() {
        return binding;
    }

    public LocalDemo(Relay relay) {
        this.relay = relay;
    }

    @Override
    public String name() {
        return "local-demo";
    }

    @Override
    public void start() throws Exception {
        DiscordStandIn d = relay.discord().standIn();
        if (d == null) throw new IllegalStateException("local.demo needs local mode (no discord.tokens)");
        binding = bindingOfTheLocalWorld(d);
        awaitVoice(Duration.ofSeconds(10)); // a world that streams into a voice link still connecting starts with late frames
        SignalingServer sig = relay.signaling().get();
        shard = new SyntheticShard(URI.create("ws://127.0.0.1:" + sig.port() + SignalingServer.PATH), relay.tokens().create(SyntheticShard.SHARD));
        shard.start();
        double[] pitches = {210, 140};
        String[] names = {"Ada", "Ben"};
        for (int i = 0; i < names.length; i++) {
            EmulatedMember m = d.addMember(names[i]);
            m.joinVoice(d.world().channel("World"));
            talkers.add(new Talker(m, DemoSounds.voice(pitches[i], 2.4)));
        }
        for (Talker t : talkers) scheduleTalk(t, 3_000 + ThreadLocalRandom.current().nextLong(4_000));
        status = new StatusLine(relay.registry());
        printAddresses(d, sig);
        timer.scheduleAtFixedRate(this::statusLine, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        health = Health.ready("shard " + SyntheticShard.SHARD + " and members Ada, Ben in #World");
    }

    // The stand-in keeps its ids across restarts, so the binding made at the first start is found again.
    private Binding bindingOfTheLocalWorld(DiscordStandIn d) throws Exception {
        Optional<Binding> known = relay.bindings().store().byShard(SyntheticShard.SHARD);
        if (known.isPresent()) return known.get();
        Binding b = new Binding(relay.bindings().store().newId(), d.world().guildId(), d.world().channel("World").id(),
                d.world().channel("world").id(), SyntheticShard.SHARD, "Local World", BindingPipeline.ToShard.PER_SPEAKER,
                true, true, "local-demo", Instant.now());
        return relay.bindings().create(b);
    }

    private void awaitVoice(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            var live = relay.bindings().liveOf(binding.id());
            if (live.isPresent() && live.get().link().state() == org.inwardportal.discord.voice.VoiceLinkState.READY) return;
            Thread.sleep(20);
        }
        log.warn("demo: the bot's voice connection is not ready after {} s; starting anyway", within.toSeconds());
    }

    private void scheduleTalk(Talker t, long afterMs) {
        timer.schedule(() -> {
            String name = t.member().user().name();
            speaking.add(name);
            t.member().speak(t.words()).whenComplete((ok, err) -> {
                speaking.remove(name);
                scheduleTalk(t, 4_000 + ThreadLocalRandom.current().nextLong(8_000));
            });
        }, afterMs, TimeUnit.MILLISECONDS);
    }

    private void printAddresses(DiscordStandIn d, SignalingServer sig) {
        InetSocketAddress http = relay.http().get();
        String base = "http://" + http.getHostString() + ":" + http.getPort();
        StringBuilder s = new StringBuilder("local demo running — what to look at:\n");
        s.append("  metrics      ").append(base).append("/metrics   (relay_binding_* for the audio)\n");
        s.append("  readiness    ").append(base).append("/readyz\n");
        String secret = relay.apiSecretFile() == null ? "$PORTAL_API_SECRET" : "$(cat " + relay.apiSecretFile() + ")";
        s.append("  HTTP API     curl -H \"Authorization: Bearer ").append(secret).append("\" ").append(base).append("/api/v1/bindings\n");
        s.append("  signaling    ws://127.0.0.1:").append(sig.port()).append(SignalingServer.PATH).append("   (shard '")
                .append(SyntheticShard.SHARD).append("', the reference client on libwebrtc in a process of its own, connects to it)\n");
        if (sig.invites() != null) {
            s.append("  spectators   ").append(relay.links().personal(sig.invites().issue(binding.id(), "local", "You", Duration.ofHours(24))))
                    .append("   (valid 24 h)\n");
        }
        s.append("  Discord      stand-in at ").append(d.restBaseUrl()).append(", guild '").append(d.world().guildName())
                .append("', Ada and Ben in voice channel World, news and chat in #world\n");
        s.append("  a line every ").append(EVERY.toSeconds()).append(" s: who speaks, frames in/out each way, added latency, drops");
        log.info("{}", s);
    }

    private void statusLine() {
        try {
            SyntheticShard sh = shard;
            Binding b = binding;
            if (sh == null || b == null) return;
            List<String> who = new ArrayList<>();
            if (sh.playing()) who.add("world");
            who.addAll(speaking);
            long heard = 0;
            for (Talker t : talkers) {
                heard += t.member().heardCount();
                t.member().clearHeard(); // the demo runs for days: keep the stand-in's record small
            }
            long heardByMembers = heard - heardBefore;
            heardBefore = heard;
            String voice = relay.bindings().liveOf(b.id()).map(l -> l.link().state().name().toLowerCase(java.util.Locale.ROOT)).orElse("closed");
            long worldHeard = sh.heardMs();
            log.info("demo · voice {} · shard {} · speaking: {} · {} · members heard {} frames · world heard {} s of voice",
                    voice, sh.connected() ? "connected" : "connecting", who.isEmpty() ? "nobody" : String.join(", ", who),
                    status.of(b.id()), heardByMembers, String.format(java.util.Locale.ROOT, "%.1f", (worldHeard - worldHeardBefore) / 1000.0));
            worldHeardBefore = worldHeard;
        } catch (RuntimeException e) {
            log.warn("demo status line failed: {}", e.toString());
        }
    }

    @Override
    public void stop(Duration budget) {
        timer.shutdownNow();
        SyntheticShard s = shard;
        if (s != null) s.close();
        for (Talker t : talkers) t.member().leaveVoice();
        health = Health.stopped();
    }

    @Override
    public Health health() {
        return health;
    }
}
