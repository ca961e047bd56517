package org.inwardportal.discord.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A person in the stand-in's guild: joins and leaves voice channels, speaks (Opus frames paced at
 * 20 ms, RTP timestamps advancing with wall time as a real client's do) and listens (records every
 * frame a bot sends into its channel). Scriptable from tests and local mode.
 */
public final class EmulatedMember {
    static final int SAMPLES_PER_FRAME = 960;

    private final DiscordStandIn standIn;
    private final StandInWorld.User user;
    private final int ssrc;
    private final ScheduledExecutorService clock;
    private final List<Heard> heard = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong heardCount = new java.util.concurrent.atomic.AtomicLong();
    private final long epochNanos = System.nanoTime();
    private int sequence;
    private long lastTimestamp = -SAMPLES_PER_FRAME;

    EmulatedMember(DiscordStandIn standIn, StandInWorld.User user, int ssrc, ScheduledExecutorService clock) {
        this.standIn = standIn;
        this.user = user;
        this.ssrc = ssrc;
        this.clock = clock;
    }

    public StandInWorld.User user() {
        return user;
    }

    public long id() {
        return user.id();
    }

    public int ssrc() {
        return ssrc;
    }

    public void joinVoice(StandInWorld.GuildChannel channel) {
        standIn.moveToVoice(this, channel.id());
    }

    public void leaveVoice() {
        standIn.moveToVoice(this, null);
    }

    /** How long a first frame waits after the SPEAKING op that maps its SSRC for a bot. */
    static final long FIRST_ANNOUNCEMENT_GAP_MS = 250;

    /**
     * Speaks the frames, one every 20 ms, completing after the last one. Bots in the member's
     * channel get a SPEAKING op first, as Discord sends it. JDA drops packets from an SSRC that no
     * SPEAKING op has mapped yet, and its WebSocket and UDP threads race, so the first frame waits
     * {@link #FIRST_ANNOUNCEMENT_GAP_MS} when a bot learns the SSRC just now (one frame period
     * otherwise): a test must not depend on which of the two arrives first, even on a loaded machine.
     */
    public CompletableFuture<Void> speak(List<byte[]> frames) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (frames.isEmpty()) {
            done.complete(null);
            return done;
        }
        long firstDelay = standIn.voice().memberSpeaking(this, true) ? FIRST_ANNOUNCEMENT_GAP_MS : 20;
        AtomicInteger next = new AtomicInteger();
        ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        task[0] = clock.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= frames.size()) {
                return;
            }
            sendFrame(frames.get(i));
            if (i == frames.size() - 1) {
                standIn.voice().memberSpeaking(this, false);
                done.complete(null);
                task[0].cancel(false);
            }
        }, firstDelay, 20, TimeUnit.MILLISECONDS);
        return done;
    }

    /** Sends one frame now. The timestamp follows wall time (48 kHz), never less than one frame on. */
    public synchronized void sendFrame(byte[] opus) {
        long byClock = (System.nanoTime() - epochNanos) / 1_000_000L * 48L;
        long ts = Math.max(lastTimestamp + SAMPLES_PER_FRAME, byClock / SAMPLES_PER_FRAME * SAMPLES_PER_FRAME);
        lastTimestamp = ts;
        standIn.voice().memberFrame(this, sequence++ & 0xffff, ts & 0xffffffffL, opus);
    }

    /** Runs {@code /command subcommand option:value ...} in a channel; the bot's answers arrive on the result. */
    public Interaction slash(StandInWorld.GuildChannel channel, String command, String subcommand, java.util.Map<String, Object> options) {
        return standIn.runCommand(this, channel, command, subcommand, options, null);
    }

    /** Types into the {@code focused} option of a command: the bot answers with autocomplete choices. */
    public Interaction autocomplete(StandInWorld.GuildChannel channel, String command, String subcommand,
                                    String focused, String typed) {
        return standIn.runCommand(this, channel, command, subcommand, java.util.Map.of(focused, typed), focused);
    }

    /** Writes a message in a text channel. */
    public void say(StandInWorld.GuildChannel channel, String text) {
        standIn.say(this, channel, text);
    }

    /** Direct messages bots sent this member. */
    public List<com.fasterxml.jackson.databind.node.ObjectNode> directMessages() {
        return standIn.directMessagesTo(user.id());
    }

    void hear(Heard h) {
        heardCount.incrementAndGet();
        synchronized (heard) {
            heard.add(h);
            heard.notifyAll();
        }
    }

    public List<Heard> heard() {
        synchronized (heard) {
            return List.copyOf(heard);
        }
    }

    /** Frames heard since the member was made, cleared or not. */
    public long heardCount() {
        return heardCount.get();
    }

    /** The frames heard since the last call (or since the member was made), and forgets them: a load run's drain. */
    public List<Heard> takeHeard() {
        synchronized (heard) {
            List<Heard> taken = List.copyOf(heard);
            heard.clear();
            return taken;
        }
    }

    public void clearHeard() {
        synchronized (heard) {
            heard.clear();
        }
    }

    /** Waits until at least {@code count} frames were heard; returns them all (fewer on timeout). */
    public List<Heard> awaitHeard(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (heard) {
            while (heard.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                heard.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(heard);
        }
    }

    @Override
    public String toString() {
        return user.name() + " (" + user.id() + ")";
    }
}
