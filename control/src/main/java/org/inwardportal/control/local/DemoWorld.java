package org.inwardportal.control.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.inwardportal.relay.peer.LibWebRtcJvm;
import org.inwardportal.signaling.client.ShardClient;
import sun.misc.Signal;

/**
 * The local demo's world, in a JVM of its own ({@link SyntheticShard} starts it): the reference
 * shard ({@link ShardClient} on libwebrtc) connected to the relay as {@link SyntheticShard#SHARD}. It
 * plays the melody 4 s on, 2 s quiet (PCM pushed 10 ms at a time; libwebrtc encodes it), sends a
 * moving test pattern, reports its players, chats every 40 s and measures the Discord voice it hears.
 * <p>
 * {@code DemoWorld SIGNALING_URI}; standard input: the shard's token on the first line, and its end
 * (the relay stopped or died) ends this JVM. Standard output: {@link LibWebRtcJvm} protocol lines,
 * {@code connected}, then {@code status} twice a second; when the connection is lost, {@code lost}
 * with the reason, and the JVM exits {@link #LOST} (the parent starts a new one).
 */
final class DemoWorld {
    static final int LOST = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PLAY = 400, QUIET = 200; // 10 ms ticks: 4 s of melody, 2 s of quiet
    private static final Map<String, String> PLAYERS = Map.of("p-1", "Vee", "p-2", "Orin");
    private static final List<String> LINES = List.of("hello from the local world!", "anyone hear the music?", "brb, fetching a snack");
    private static final double VOICE_RMS = 0.01; // quieter 10 ms chunks are libwebrtc's silence or fading concealment

    private static final AtomicLong HEARD_MS = new AtomicLong(), TICKS = new AtomicLong();
    private static volatile boolean playing;
    private static PrintStream out;

    private DemoWorld() {
    }

    public static void main(String[] args) throws Exception {
        out = LibWebRtcJvm.protocolOut();
        Signal.handle(new Signal("INT"), s -> { }); // Ctrl-C reaches the whole process group: the relay decides when this ends
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String token = in.readLine();
        if (token == null) Runtime.getRuntime().halt(0);
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            try {
                while (in.readLine() != null) {
                    // nothing is sent after the token
                }
            } catch (Exception ignored) {
                // the parent is gone all the same
            }
            Runtime.getRuntime().halt(0); // closing libwebrtc peers can abort the JVM; nothing is left to keep
        });

        long t0 = System.nanoTime();
        ShardClient client;
        try {
            client = ShardClient.connect(URI.create(args[0]), SyntheticShard.SHARD, token, true, (track, pcm) -> {
                if (rms(pcm) >= VOICE_RMS) HEARD_MS.addAndGet(10);
            }, Duration.ofSeconds(10));
        } catch (Throwable e) {
            lost("could not connect: " + e + (e instanceof UnsatisfiedLinkError ? " (libwebrtc needs the Debian package libpulse0)" : ""));
            return;
        }
        send(message("connected").put("ms", (System.nanoTime() - t0) / 1_000_000).put("pid", ProcessHandle.current().pid()));
        try {
            play(client);
        } catch (Throwable e) {
            lost(e.toString());
        }
    }

    /** Plays, reports and watches the connection until it is lost. */
    private static void play(ShardClient client) throws InterruptedException {
        client.roomState("Local World", PLAYERS);
        short[] melody = DemoSounds.melody(PLAY * 0.01);
        client.play(pcm -> {
            int phase = (int) (TICKS.getAndIncrement() % (PLAY + QUIET));
            playing = phase < PLAY;
            if (!playing) return false;
            System.arraycopy(melody, phase * 480, pcm, 0, 480);
            return true;
        });
        client.playTestPattern();

        int disconnected = 0, stalled = 0;
        long ticked = -1, start = System.nanoTime() / 1_000_000;
        for (long half = 1; ; half++) {
            Thread.sleep(Math.max(0, start + half * 500 - System.nanoTime() / 1_000_000));
            if (!client.open()) lost("the relay closed the signaling connection");
            stalled = TICKS.get() == ticked ? stalled + 1 : 0;
            ticked = TICKS.get();
            if (stalled > 4) lost("the world's audio stopped being pushed");
            RTCPeerConnectionState media = client.mediaState();
            if (media == RTCPeerConnectionState.FAILED || media == RTCPeerConnectionState.CLOSED) lost("media connection " + media);
            disconnected = media == RTCPeerConnectionState.DISCONNECTED ? disconnected + 1 : 0;
            if (disconnected > 20) lost("media disconnected for 10 s");
            if (half % 80 == 40) client.chat("p-1", "Vee", LINES.get((int) (half / 80 % LINES.size())));
            send(message("status").put("playing", playing).put("heardMs", HEARD_MS.get()));
        }
    }

    private static double rms(short[] pcm) {
        double sum = 0;
        for (short s : pcm) sum += (double) s * s;
        return Math.sqrt(sum / Math.max(1, pcm.length)) / 32768;
    }

    private static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private static synchronized void send(ObjectNode m) {
        out.println(LibWebRtcJvm.LINE + m);
    }

    private static void lost(String reason) {
        send(message("lost").put("reason", reason));
        out.flush();
        Runtime.getRuntime().halt(LOST); // closing libwebrtc peers can abort the JVM
    }
}
