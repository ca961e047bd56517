package org.inwardportal.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.inwardportal.relay.peer.LibWebRtcPeer;

/**
 * The reference shard: a client of the relay's signaling protocol v1 with a real libwebrtc peer
 * ({@link LibWebRtcPeer}) for media. It connects, says hello with its token, offers a world audio
 * track (PCM pushed every 10 ms: a tone or any {@link AudioFeed}) and optionally video (a test
 * pattern), answers the relay's offers (per-speaker tracks), records or hands on what it hears per
 * track, reports {@code room.state} and chats. Used by tests, and by local mode's demo world (in a
 * JVM of its own, as libwebrtc can abort the process it runs in).
 */
public final class ShardClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LibWebRtcPeer peer;
    private final WebSocket ws;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shard-media");
        t.setDaemon(true);
        return t;
    });
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean pushing;
    private volatile java.util.concurrent.ScheduledFuture<?> audio;
    // After a renegotiation libwebrtc may start its own recording again on a worker thread, a few ms
    // later; pushing while it records aborts the JVM (audio_send_stream race check, seen in CI). So
    // the audio pauses briefly after each answer and stops the recording before every push for a while.
    private static final long QUIET_NANOS = 200_000_000L, GUARD_NANOS = 1_000_000_000L;
    private volatile long quietUntilNanos = System.nanoTime();

    private ShardClient(URI signaling, boolean video, LibWebRtcPeer.TrackAudio heard) throws Exception {
        peer = LibWebRtcPeer.shard(video, heard);
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(signaling, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode m = JSON.readTree(partial.toString());
                        if ("offer".equals(m.path("type").asText())) {
                            // On the media thread, so no audio is pushed while a negotiation has
                            // libwebrtc's recording running again (the two feeding one stream abort the JVM).
                            clock.execute(() -> answerRelayOffer(m.path("sdp").asText()));
                        } else {
                            inbox.add(m);
                            listeners.forEach(l -> l.accept(m));
                        }
                    } catch (Exception ignored) {
                        // not JSON: nothing the relay sends
                    }
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Connects, authenticates, offers and waits until media is connected. */
    public static ShardClient connect(URI signaling, String shard, String token, Duration timeout) throws Exception {
        return connect(signaling, shard, token, false, timeout);
    }

    /** As {@link #connect(URI, String, String, Duration)}, with a video track when {@code video} (see {@link #playTestPattern}). */
    public static ShardClient connect(URI signaling, String shard, String token, boolean video, Duration timeout) throws Exception {
        return connect(signaling, shard, token, video, null, timeout);
    }

    /**
     * As {@link #connect(URI, String, String, boolean, Duration)}, the remote audio handed to
     * {@code heard} as it plays instead of recorded for {@link #heard()} (null: recorded).
     */
    public static ShardClient connect(URI signaling, String shard, String token, boolean video, LibWebRtcPeer.TrackAudio heard,
                                      Duration timeout) throws Exception {
        ShardClient c = new ShardClient(signaling, video, heard);
        try {
            c.send(JSON.createObjectNode().put("type", "hello").put("v", 1).put("role", "shard").put("shard", shard).put("token", token));
            JsonNode welcome = c.expect("welcome", timeout);
            if (!"welcome".equals(welcome.path("type").asText())) throw new IllegalStateException("relay said " + welcome);
            c.send(JSON.createObjectNode().put("type", "offer").put("sdp", c.peer.offer()));
            JsonNode answer = c.expect("answer", timeout);
            if (!"answer".equals(answer.path("type").asText())) throw new IllegalStateException("relay said " + answer);
            c.peer.answer(answer.path("sdp").asText());
            c.peer.awaitConnected(timeout);
            c.peer.stopRecording();
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void answerRelayOffer(String sdp) {
        try {
            String answer = peer.answerTo(sdp);
            peer.stopRecording();
            quietUntilNanos = System.nanoTime() + QUIET_NANOS;
            send(JSON.createObjectNode().put("type", "answer").put("sdp", answer));
        } catch (Exception e) {
            inbox.add(JSON.createObjectNode().put("type", "client-error").put("message", String.valueOf(e.getMessage())));
        }
    }

    /** The world's audio, asked for 10 ms at a time (480 samples, 48 kHz mono). */
    @FunctionalInterface
    public interface AudioFeed {
        /** Fills {@code pcm} with the next 10 ms and returns true, or returns false for 10 ms of quiet (nothing is sent). */
        boolean next(short[] pcm);
    }

    /** Starts the world's audio: a tone of {@code hz}, 10 ms at a time, 48 kHz mono. */
    public void playTone(double hz, double amplitude) {
        long[] sample = {0};
        play(pcm -> {
            for (int i = 0; i < 480; i++) pcm[i] = (short) (amplitude * 32767 * Math.sin(2 * Math.PI * hz * (sample[0] + i) / 48_000));
            sample[0] += 480;
            return true;
        });
    }

    /** Starts the world's audio: every 10 ms the feed's next 10 ms is pushed into libwebrtc, which encodes it. */
    public void play(AudioFeed feed) {
        if (pushing) return;
        pushing = true;
        peer.stopRecording();
        short[] pcm = new short[480];
        audio = clock.scheduleAtFixedRate(() -> {
            if (!feed.next(pcm)) return;
            long now = System.nanoTime();
            if (now < quietUntilNanos) return;
            if (now < quietUntilNanos + GUARD_NANOS) peer.stopRecording();
            peer.pushAudio(pcm);
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** Stops the world's audio ({@link #playTone} or {@link #play}): nothing more is pushed, so libwebrtc sends no audio. */
    public void stopTone() {
        var t = audio;
        if (t != null) t.cancel(false);
        audio = null;
        pushing = false;
    }

    /** Starts the world's video: a 320x240 moving luminance ramp at about 30 frames per second. */
    public void playTestPattern() {
        if (!peer.hasVideo()) throw new IllegalStateException("connected without video");
        int[] n = {0};
        clock.scheduleAtFixedRate(() -> peer.pushVideoFrame(n[0]++), 0, 33, TimeUnit.MILLISECONDS);
    }

    /** A player's line of world chat. */
    public void chat(String playerId, String name, String text) {
        ObjectNode m = JSON.createObjectNode().put("type", "chat").put("text", text);
        m.putObject("from").put("id", playerId).put("name", name);
        send(m);
    }

    /** False once the signaling connection was closed (by the relay or a broken network). */
    public boolean open() {
        return !ws.isInputClosed() && !ws.isOutputClosed();
    }

    /** The media connection's state, as libwebrtc last reported it. */
    public dev.onvoid.webrtc.RTCPeerConnectionState mediaState() {
        return peer.state();
    }

    /** Reports the world's state ({@code room.state}). */
    public void roomState(String world, Map<String, String> playersById) {
        ObjectNode m = JSON.createObjectNode().put("type", "room.state").put("world", world);
        var players = m.putArray("players");
        playersById.forEach((id, name) -> players.addObject().put("id", id).put("name", name));
        send(m);
    }

    /**
     * Audio heard so far, per remote track (mono 16-bit PCM at 48 kHz, 10 ms per array). Keys are
     * libwebrtc's own track ids, not the relay's {@code a=msid} ones; the {@code speakers} message
     * and the order of the relay's offers say which is which.
     */
    public Map<String, List<short[]>> heard() {
        return peer.audioByTrack();
    }

    /** Messages from the relay other than offers (speakers, chat, moderation, errors). */
    public void onMessage(Consumer<JsonNode> listener) {
        listeners.add(listener);
    }

    private JsonNode expect(String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode m = inbox.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (m == null) throw new IllegalStateException("no " + type + " from the relay within " + timeout);
            if (type.equals(m.path("type").asText()) || "error".equals(m.path("type").asText())) return m;
        }
    }

    // synchronized: the JDK's WebSocket refuses a send while another is pending, and answers to the
    // relay's offers go out from the media thread while the caller may be reporting room.state
    private synchronized void send(ObjectNode m) {
        ws.sendText(m.toString(), true).join();
    }

    @Override
    public void close() {
        clock.shutdownNow();
        try {
            send(JSON.createObjectNode().put("type", "bye"));
        } catch (RuntimeException ignored) {
            // already closed
        }
        ws.abort();
        peer.close();
    }
}
