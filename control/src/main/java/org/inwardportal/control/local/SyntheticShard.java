package org.inwardportal.control.local;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.inwardportal.signaling.client.LightShardClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local demo's world: a shard on the light peer (pure Java, so it works on loopback, where
 * libwebrtc does not) that plays a melody for a few seconds at a time with pauses between, sends a
 * moving VP8 test pattern for spectators, reports
 * its players, says something in chat now and then, and counts the Discord voices it receives. It
 * keeps ICE consent fresh and connects again after any failure.
 */
final class SyntheticShard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyntheticShard.class);
    static final String SHARD = "local-world";
    private static final int SSRC = 0x10CA1, VIDEO_SSRC = 0x10CA2;
    private static final int PLAY_FRAMES = 200, PAUSE_FRAMES = 100; // 4 s of melody, 2 s of quiet
    private static final Map<String, String> PLAYERS = Map.of("p-1", "Vee", "p-2", "Orin");
    private static final List<String> LINES = List.of("hello from the local world!", "anyone hear the music?", "brb, fetching a snack");

    private final URI signaling;
    private final String token;
    private final List<byte[]> melody = DemoSounds.melody(PLAY_FRAMES * 0.02);
    private final TestPattern pattern; // null: audio only
    private final byte[] videoScratch = new byte[Vp8Packets.MAX_PAYLOAD];
    private final AtomicLong framesSent = new AtomicLong(), framesHeard = new AtomicLong();
    private final Thread sender, receiver;
    private volatile LightShardClient client;
    private volatile boolean playing, closed;

    SyntheticShard(URI signaling, String token, TestPattern pattern) {
        this.pattern = pattern;
        this.signaling = signaling;
        this.token = token;
        this.sender = Thread.ofPlatform().daemon().name("demo-shard").unstarted(this::run);
        this.receiver = Thread.ofPlatform().daemon().name("demo-shard-rx").unstarted(this::receive);
    }

    void start() {
        sender.start();
        receiver.start();
    }

    long framesSent() {
        return framesSent.get();
    }

    /** Discord voices the world has received (RTP packets from the relay). */
    long framesHeard() {
        return framesHeard.get();
    }

    boolean connected() {
        return client != null;
    }

    boolean playing() {
        return playing && client != null;
    }

    private void run() {
        while (!closed) {
            try (LightShardClient c = LightShardClient.connect(signaling, SHARD, token, pattern == null ? 0 : VIDEO_SSRC, Duration.ofSeconds(10))) {
                client = c;
                log.info("demo: synthetic shard '{}' connected", SHARD);
                c.roomState("Local World", PLAYERS);
                play(c);
            } catch (Exception e) {
                if (closed) return;
                log.warn("demo: synthetic shard lost its connection ({}); again in 3 s", e.getMessage());
            } finally {
                client = null;
                playing = false;
            }
            sleepQuietly(3000);
        }
    }

    // one audio frame every 20 ms on an absolute schedule (no drift), the pattern's frames at 15 fps
    // between them, consent every 2.5 s, chat every ~40 s
    private void play(LightShardClient c) throws Exception {
        long start = System.nanoTime();
        int seq = 0;
        int[] videoSeq = {0};
        long videoFrames = 0;
        for (long tick = 0; !closed; tick++) {
            long due = start + tick * 20_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            int phase = (int) (tick % (PLAY_FRAMES + PAUSE_FRAMES));
            playing = phase < PLAY_FRAMES;
            if (playing) {
                c.peer().sendOpus(SSRC, seq++ & 0xFFFF, tick * DemoSounds.FRAME, melody.get(phase), 40);
                framesSent.incrementAndGet();
            }
            if (pattern != null && tick * 20 * TestPattern.FPS >= videoFrames * 1000) {
                long ts = videoFrames * 90_000 / TestPattern.FPS;
                Vp8Packets.split(pattern.frame(videoFrames++), videoScratch,
                        (payload, length, last) -> c.peer().sendVideo(VIDEO_SSRC, videoSeq[0]++ & 0xFFFF, ts, last, payload, 0, length));
            }
            if (tick % 50 == 0 && !c.open()) throw new java.io.IOException("the relay closed the signaling connection");
            if (tick % 125 == 0) c.peer().refreshConsent();
            if (tick % 2000 == 1000) c.chat("p-1", "Vee", LINES.get((int) (tick / 2000 % LINES.size())));
        }
    }

    private void receive() {
        while (!closed) {
            LightShardClient c = client;
            if (c == null) {
                sleepQuietly(100);
                continue;
            }
            try {
                if (c.peer().receiveRtp(500) != null) framesHeard.incrementAndGet();
            } catch (Exception e) {
                sleepQuietly(100); // the sender notices and reconnects
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        LightShardClient c = client;
        if (c != null) c.close();
        try {
            sender.join(2000);
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
