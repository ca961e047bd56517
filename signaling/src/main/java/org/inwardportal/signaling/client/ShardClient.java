package org.inwardportal.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
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
public final class ShardClient extends ShardSignaling {
    private final LibWebRtcPeer peer;
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shard-media");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean pushing;
    private volatile java.util.concurrent.ScheduledFuture<?> audio;
    // After a renegotiation libwebrtc may start its own recording again on a worker thread, a few ms
    // later; pushing while it records aborts the JVM (audio_send_stream race check, seen in CI). So
    // the audio pauses briefly after each answer and stops the recording before every push for a while.
    private static final long QUIET_NANOS = 200_000_000L, GUARD_NANOS = 1_000_000_000L;
    private volatile long quietUntilNanos = System.nanoTime();

    private ShardClient(URI signaling, boolean video, LibWebRtcPeer.TrackAudio heard) throws Exception {
        peer = LibWebRtcPeer.shard(video, heard);
        openSignaling(signaling);
    }

    @Override
    void onOffer(String sdp) {
        // On the media thread, so no audio is pushed while a negotiation has
        // libwebrtc's recording running again (the two feeding one stream abort the JVM).
        clock.execute(() -> answerRelayOffer(sdp));
    }

    @Override
    void onRelayMessage(JsonNode m) {
        listeners.forEach(l -> l.accept(m));
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
            c.hello(shard, token, timeout);
            c.send(JSON.createObjectNode().put("type", "offer").put("sdp", c.peer.offer()));
            c.peer.answer(c.expect("answer", timeout).path("sdp").asText());
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
            received(JSON.createObjectNode().put("type", "client-error").put("message", String.valueOf(e.getMessage())));
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
        byte[] scratch = new byte[960]; // one push every 10 ms: nothing allocated per push
        audio = clock.scheduleAtFixedRate(() -> {
            if (!feed.next(pcm)) return;
            long now = System.nanoTime();
            if (now < quietUntilNanos) return;
            if (now < quietUntilNanos + GUARD_NANOS) peer.stopRecording();
            peer.pushAudio(pcm, 0, scratch);
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

    /** The media connection's state, as libwebrtc last reported it. */
    public dev.onvoid.webrtc.RTCPeerConnectionState mediaState() {
        return peer.state();
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

    @Override
    public void close() {
        clock.shutdownNow();
        closeSignaling();
        peer.close();
    }
}
