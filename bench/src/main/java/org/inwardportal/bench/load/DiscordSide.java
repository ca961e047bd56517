package org.inwardportal.bench.load;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.inwardportal.discord.standin.DiscordStandIn;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.discord.standin.StandInWorld;

/**
 * The Discord side of a load run: M emulated members in each binding's voice channel, all talking
 * continuously (the stand-in paces each at 20 ms and encrypts as Discord does), and the first member
 * of each channel listening: what the bot sends there is matched to the shard's frames, its arrival
 * (stamped by the stand-in on receipt) giving the end-to-end latency and the pacing gaps.
 */
final class DiscordSide implements AutoCloseable {
    private final OpusClips clips;
    private final DiscordStandIn standIn;
    private final List<List<EmulatedMember>> members = new ArrayList<>();
    private final List<FrameStream> fromShards = new ArrayList<>();
    private final LatencyHistogram endToEnd, gaps;
    private final AtomicLong unmatched = new AtomicLong(), heard = new AtomicLong();
    private final Thread listener = Thread.ofPlatform().daemon().name("load-listen").unstarted(this::listen);
    private volatile boolean closed;

    DiscordSide(OpusClips clips, DiscordStandIn standIn, LatencyHistogram toDiscordEndToEnd, LatencyHistogram gaps) {
        this.clips = clips;
        this.standIn = standIn;
        this.endToEnd = toDiscordEndToEnd;
        this.gaps = gaps;
    }

    /** Puts {@code count} members into {@code channel}; frames from its shard are matched on {@code fromShard}. */
    void join(StandInWorld.GuildChannel channel, int binding, int count, FrameStream fromShard) {
        List<EmulatedMember> in = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            EmulatedMember member = standIn.addMember("m" + binding + "-" + m);
            member.joinVoice(channel);
            in.add(member);
        }
        members.add(in);
        fromShards.add(fromShard);
    }

    /** Every member talks for {@code frames} frames, starting at a random point of the 20 ms period; frames stamped on {@code streams}. */
    void startTalking(long frames, List<FrameStream[]> streams) throws InterruptedException {
        for (int b = 0; b < members.size(); b++) {
            for (int m = 0; m < members.get(b).size(); m++) {
                FrameStream s = streams.get(b)[m];
                int source = 1 + m;
                members.get(b).get(m).speak(new AbstractList<>() {
                    @Override
                    public byte[] get(int i) { // called once per frame, just before the stand-in sends it
                        s.stamp(System.nanoTime());
                        return clips.frame(source, i);
                    }

                    @Override
                    public int size() {
                        return (int) frames;
                    }
                });
                Thread.sleep(0, ThreadLocalRandom.current().nextInt(1_000, 100_000)); // spread over the period
            }
        }
        listener.start();
    }

    long unmatched() {
        return unmatched.get();
    }

    long heard() {
        return heard.get();
    }

    private void listen() {
        while (!closed) {
            for (int b = 0; b < members.size(); b++) {
                List<EmulatedMember> in = members.get(b);
                for (int m = 0; m < in.size(); m++) {
                    List<Heard> got = in.get(m).takeHeard(); // all drained: the stand-in's record must not grow
                    heard.addAndGet(got.size());
                    if (m != 0) continue;
                    for (Heard h : got) {
                        int v = clips.find(h.opus(), 0, h.opus().length);
                        if (v < 0 || v >= OpusClips.CYCLE) {
                            unmatched.incrementAndGet();
                            continue;
                        }
                        fromShards.get(b).received(v, h.arrivalNanos(), endToEnd, gaps);
                    }
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (List<EmulatedMember> in : members) in.forEach(EmulatedMember::leaveVoice);
    }
}
