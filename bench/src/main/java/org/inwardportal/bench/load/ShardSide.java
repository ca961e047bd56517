package org.inwardportal.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.inwardportal.control.local.TestPattern;
import org.inwardportal.control.local.Vp8Packets;
import org.inwardportal.signaling.client.LightShardClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards of a load run: one light shard client per binding (signaling, ICE, DTLS-SRTP, all in
 * Java on loopback), each streaming its clip continuously, one frame per 20 ms. One thread sends
 * for all of them, their send times spread evenly over the 20 ms (real shards are not in step);
 * each shard receives on a virtual thread of its own and matches what reaches it to the member
 * who said it. With a test pattern, each shard also sends VP8 video at {@link TestPattern#FPS} (as
 * the local demo's synthetic shard does), for the viewers.
 */
final class ShardSide implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShardSide.class);
    private static final long PERIOD = 20_000_000L;
    private static final int SSRC = 0x5EED, VIDEO_SSRC = 0x5EEE;

    private final OpusClips clips;
    private final TestPattern pattern; // null: audio only
    private final byte[] videoScratch = new byte[Vp8Packets.MAX_PAYLOAD];
    private final List<LightShardClient> clients = new ArrayList<>();
    private final List<FrameStream> toDiscord = new ArrayList<>();
    private final List<FrameStream[]> toShard = new ArrayList<>();
    private final LatencyHistogram endToEnd;
    private final AtomicLong unmatched = new AtomicLong(), sendErrors = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    ShardSide(OpusClips clips, TestPattern pattern, LatencyHistogram toShardEndToEnd) {
        this.clips = clips;
        this.pattern = pattern;
        this.endToEnd = toShardEndToEnd;
    }

    /** Connects shard {@code load-i}; {@code fromMembers} are the streams of its binding's members, in order. Thread-safe. */
    void connect(URI signaling, int i, String token, FrameStream fromShard, FrameStream[] fromMembers) throws Exception {
        LightShardClient c = LightShardClient.connect(signaling, "load-" + i, token, pattern == null ? 0 : VIDEO_SSRC, Duration.ofSeconds(20));
        Thread rx = Thread.ofVirtual().name("load-shard-rx-" + i).unstarted(() -> receive(c, fromMembers));
        synchronized (this) { // shards connect a few at a time; the lists stay aligned
            clients.add(c);
            toDiscord.add(fromShard);
            toShard.add(fromMembers);
            threads.add(rx);
        }
        rx.start();
    }

    /** Starts streaming (after every shard has connected). */
    synchronized void startSending(long frames) {
        Thread tx = Thread.ofPlatform().daemon().name("load-shards-tx").unstarted(() -> send(frames));
        threads.add(tx);
        tx.start();
    }

    long unmatched() {
        return unmatched.get();
    }

    long sendErrors() {
        return sendErrors.get();
    }

    private void send(long frames) {
        int n = clients.size();
        long[] videoFrames = new long[n];
        int[] videoSeq = new int[n];
        long start = System.nanoTime() + PERIOD;
        for (long tick = 0; tick < frames && !closed; tick++) {
            for (int i = 0; i < n && !closed; i++) {
                long due = start + tick * PERIOD + PERIOD * i / n;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                LightShardClient c = clients.get(i);
                FrameStream s = toDiscord.get(i);
                long k = s.stamp(System.nanoTime());
                try {
                    c.peer().sendOpus(SSRC, (int) (k & 0xFFFF), k * OpusClips.FRAME, clips.frame(0, (int) (k % OpusClips.CYCLE)), 40);
                    if (pattern != null && tick * 20 * TestPattern.FPS >= videoFrames[i] * 1000) { // 15 frames/s on the 50/s ticks
                        long ts = videoFrames[i] * 90_000 / TestPattern.FPS;
                        int shard = i;
                        Vp8Packets.split(pattern.frame(videoFrames[i]++), videoScratch, (payload, length, last) ->
                                c.peer().sendVideo(VIDEO_SSRC, videoSeq[shard]++ & 0xFFFF, ts, last, payload, 0, length));
                    }
                    if (tick % 250 == i % 250) c.peer().refreshConsent(); // every 5 s, spread over the shards
                } catch (Exception e) {
                    if (sendErrors.getAndIncrement() == 0) log.warn("load: shard {} cannot send: {}", i, e.toString());
                }
            }
        }
    }

    private void receive(LightShardClient c, FrameStream[] fromMembers) {
        while (!closed) {
            byte[] rtp;
            try {
                rtp = c.peer().receiveRtp(500);
            } catch (Exception e) {
                if (!closed) LockSupport.parkNanos(10_000_000L);
                continue;
            }
            long now = System.nanoTime();
            if (rtp == null) continue;
            int off = payloadOffset(rtp);
            int v = off < 0 ? -1 : clips.find(rtp, off, rtp.length - off);
            int member = v / OpusClips.CYCLE - 1;
            if (v < 0 || member < 0 || member >= fromMembers.length) {
                unmatched.incrementAndGet();
                continue;
            }
            fromMembers[member].received(v % OpusClips.CYCLE, now, endToEnd, null);
        }
    }

    // RFC 3550 §5.1 and §5.3.1: fixed header, CSRCs, header extension
    static int payloadOffset(byte[] rtp) {
        if (rtp.length < 12) return -1;
        int off = 12 + 4 * (rtp[0] & 0x0F);
        if ((rtp[0] & 0x10) != 0) {
            if (rtp.length < off + 4) return -1;
            off += 4 + 4 * (((rtp[off + 2] & 0xFF) << 8) | (rtp[off + 3] & 0xFF));
        }
        int end = rtp.length - ((rtp[0] & 0x20) != 0 ? rtp[rtp.length - 1] & 0xFF : 0);
        return off <= end ? off : -1;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LightShardClient c : clients) c.close();
    }
}
