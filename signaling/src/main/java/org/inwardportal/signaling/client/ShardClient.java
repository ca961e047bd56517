package org.inwardportal.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The reference shard: a libwebrtc (webrtc-java) client of the relay's signaling protocol v1. It
 * connects, says hello with its token, offers a world audio track (a tone, pushed every 10 ms),
 * answers the relay's offers (per-speaker tracks), records what it hears per track, and reports
 * {@code room.state}. Used by tests, and meant for local mode and the load harness.
 *
 * <p>webrtc-java traps handled here: the headless audio module plays out (else remote sinks never
 * fire) and stops recording after every negotiation before audio is pushed (else libwebrtc aborts
 * the JVM on a race between its recording thread and the pushed audio).
 */
public final class ShardClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
    private final PeerConnectionFactory factory = new PeerConnectionFactory(adm);
    private final CustomAudioSource world = new CustomAudioSource();
    private final RTCPeerConnection pc;
    private final WebSocket ws;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final Map<String, List<short[]>> heard = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shard-audio");
        t.setDaemon(true);
        return t;
    });
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean pushing;

    private dev.onvoid.webrtc.media.video.CustomVideoSource camera;

    private ShardClient(URI signaling, boolean video) throws Exception {
        adm.initPlayout();
        adm.startPlayout();
        pc = factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
            }

            @Override
            public void onIceGatheringChange(RTCIceGatheringState state) {
                if (state == RTCIceGatheringState.COMPLETE) gathered.complete(null);
            }

            @Override
            public void onConnectionChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.CONNECTED) connected.complete(null);
                if (state == RTCPeerConnectionState.FAILED) connected.completeExceptionally(new IllegalStateException("WebRTC connection failed"));
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                if (transceiver.getReceiver().getTrack() instanceof AudioTrack t) {
                    List<short[]> mine = heard.computeIfAbsent(t.getId(), k -> new CopyOnWriteArrayList<>());
                    t.addSink((data, bits, rate, channels, frames) -> {
                        short[] mono = new short[frames];
                        for (int i = 0; i < frames; i++) mono[i] = (short) ((data[2 * i * channels] & 0xff) | (data[2 * i * channels + 1] << 8));
                        mine.add(mono);
                    });
                }
            }
        });
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.SEND_RECV;
        init.streamIds = List.of("world");
        pc.addTransceiver(factory.createAudioTrack("world-audio", world), init);
        if (video) {
            camera = new dev.onvoid.webrtc.media.video.CustomVideoSource();
            RTCRtpTransceiverInit v = new RTCRtpTransceiverInit();
            v.direction = RTCRtpTransceiverDirection.SEND_ONLY;
            v.streamIds = List.of("world");
            pc.addTransceiver(factory.createVideoTrack("world-video", camera), v);
        }
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(signaling, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode m = JSON.readTree(partial.toString());
                        if ("offer".equals(m.path("type").asText())) {
                            Thread.ofVirtual().start(() -> answerRelayOffer(m.path("sdp").asText()));
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

    /** As {@link #connect(URI, String, String, Duration)}, with a video track when {@code video} (feed it with {@link #playTestPattern}). */
    public static ShardClient connect(URI signaling, String shard, String token, boolean video, Duration timeout) throws Exception {
        ShardClient c = new ShardClient(signaling, video);
        try {
            c.send(JSON.createObjectNode().put("type", "hello").put("v", 1).put("role", "shard").put("shard", shard).put("token", token));
            JsonNode welcome = c.expect("welcome", timeout);
            if (!"welcome".equals(welcome.path("type").asText())) throw new IllegalStateException("relay said " + welcome);
            c.offer(timeout);
            c.connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // libwebrtc starts the headless module's recording with the send stream, once connected.
            c.adm.stopRecording();
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void offer(Duration timeout) throws Exception {
        CompletableFuture<RTCSessionDescription> created = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), observer(created));
        setLocal(created.get(10, TimeUnit.SECONDS));
        gathered.get(15, TimeUnit.SECONDS);
        send(JSON.createObjectNode().put("type", "offer").put("sdp", pc.getLocalDescription().sdp));
        JsonNode answer = expect("answer", timeout);
        set(false, new RTCSessionDescription(RTCSdpType.ANSWER, answer.path("sdp").asText()));
        adm.stopRecording(); // before any audio is pushed (see the class comment)
    }

    private void answerRelayOffer(String sdp) {
        try {
            set(false, new RTCSessionDescription(RTCSdpType.OFFER, sdp));
            CompletableFuture<RTCSessionDescription> created = new CompletableFuture<>();
            pc.createAnswer(new RTCAnswerOptions(), observer(created));
            setLocal(created.get(10, TimeUnit.SECONDS));
            adm.stopRecording();
            send(JSON.createObjectNode().put("type", "answer").put("sdp", pc.getLocalDescription().sdp));
        } catch (Exception e) {
            inbox.add(JSON.createObjectNode().put("type", "client-error").put("message", String.valueOf(e.getMessage())));
        }
    }

    /** Starts the world's audio: a tone of {@code hz}, 10 ms at a time, 48 kHz mono. */
    public void playTone(double hz, double amplitude) {
        if (pushing) return;
        pushing = true;
        adm.stopRecording(); // never push while the module records (see the class comment)
        long[] sample = {0};
        clock.scheduleAtFixedRate(() -> {
            short[] s = new short[480];
            byte[] b = new byte[960];
            for (int i = 0; i < 480; i++) {
                s[i] = (short) (amplitude * 32767 * Math.sin(2 * Math.PI * hz * (sample[0] + i) / 48_000));
                b[2 * i] = (byte) s[i];
                b[2 * i + 1] = (byte) (s[i] >> 8);
            }
            sample[0] += 480;
            world.pushAudio(b, 16, 48_000, 1, 480);
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** Starts the world's video: a 320x240 moving luminance ramp at about 30 frames per second. */
    public void playTestPattern() {
        if (camera == null) throw new IllegalStateException("connected without video");
        int[] n = {0};
        clock.scheduleAtFixedRate(() -> {
            var buffer = dev.onvoid.webrtc.media.video.NativeI420Buffer.allocate(320, 240);
            var y = buffer.getDataY();
            int shift = n[0]++ * 4;
            for (int row = 0; row < 240; row++) {
                for (int col = 0; col < 320; col++) y.put(row * buffer.getStrideY() + col, (byte) ((col + shift) & 0xff));
            }
            for (int i = 0; i < buffer.getStrideU() * 120; i++) buffer.getDataU().put(i, (byte) 128);
            for (int i = 0; i < buffer.getStrideV() * 120; i++) buffer.getDataV().put(i, (byte) 128);
            var frame = new dev.onvoid.webrtc.media.video.VideoFrame(buffer, System.nanoTime());
            camera.pushFrame(frame);
            frame.release();
        }, 0, 33, TimeUnit.MILLISECONDS);
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
        return heard;
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

    private void send(ObjectNode m) {
        ws.sendText(m.toString(), true).join();
    }

    private CreateSessionDescriptionObserver observer(CompletableFuture<RTCSessionDescription> f) {
        return new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                f.complete(d);
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new IllegalStateException(error));
            }
        };
    }

    private void setLocal(RTCSessionDescription d) throws Exception {
        set(true, d);
    }

    private void set(boolean local, RTCSessionDescription d) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SetSessionDescriptionObserver o = new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(new IllegalStateException(error));
            }
        };
        if (local) pc.setLocalDescription(d, o); else pc.setRemoteDescription(d, o);
        done.get(10, TimeUnit.SECONDS);
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
        pc.close();
        factory.dispose();
        adm.dispose();
    }
}
