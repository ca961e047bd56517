package org.inwardportal.relay.peer;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
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
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real libwebrtc peer (webrtc-java): the reference shard's media side, and the peer of the
 * interop tests. webrtc-java's traps, handled here: a headless audio module must play out or
 * remote track sinks never fire; it must not record while audio is pushed into a custom source or
 * libwebrtc aborts the JVM (audio_send_stream.cc), and its recording starts with the send stream,
 * so {@link #stopRecording()} is called once connected and after each negotiation. A send-only
 * peer can use the dummy audio layer instead. It gathers on the any-address socket
 * ({@link Gathering#ANY_ADDRESS}), so it reaches a relay on 127.0.0.1 too.
 */
public final class LibWebRtcPeer implements AutoCloseable {
    private final AudioDeviceModuleBase adm;
    private final PeerConnectionFactory factory;
    private final Host host; // null: this peer owns its factory and audio module
    private final RTCPeerConnection pc;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private CustomAudioSource source;
    private CustomVideoSource videoSource;
    private volatile AudioTrackSink sink;
    private final java.util.Map<String, java.util.List<short[]>> perTrack = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile VideoTrackSink videoSink;
    private volatile TrackAudio trackAudio; // null: remote audio is recorded per track (audioByTrack)
    private volatile RTCPeerConnectionState state = RTCPeerConnectionState.NEW;

    /** Receives a remote track's audio as it plays: 10 ms of mono 16-bit PCM at 48 kHz per call. */
    @FunctionalInterface
    public interface TrackAudio {
        void onAudio(String trackId, short[] mono);
    }

    /** How a peer gathers its ICE candidates. */
    public enum Gathering {
        /**
         * One socket on the any-address, adapter enumeration off (what browsers do in their
         * default-route-only mode): the kernel picks the source address by route, so a relay on
         * 127.0.0.1 is reached from 127.0.0.1 (enumerating adapters, it would be reached from an
         * adapter's address, which is not loopback, or not at all where loopback is the only one). The offer carries at
         * most the default route's address (none where there is no default route), which the
         * ICE-lite relay does not need: it learns the peer from its checks. Every peer but a
         * {@link Host}'s gathers this way.
         */
        ANY_ADDRESS,
        /**
         * One socket per adapter address, loopback skipped (libwebrtc's default): for two libwebrtc
         * peers, which find each other only through the candidates they offer.
         */
        ADAPTERS;

        RTCConfiguration configuration() {
            RTCConfiguration rtc = new RTCConfiguration();
            if (this == ANY_ADDRESS) rtc.portAllocatorConfig = new PortAllocatorConfig(0, 0, PortAllocatorConfig.PORTALLOCATOR_DISABLE_ADAPTER_ENUMERATION);
            return rtc;
        }
    }

    /**
     * One factory and headless audio module shared by many peers, as a server holding many
     * connections would have: one set of libwebrtc threads, and one playout that pulls (and so
     * decodes) every peer's remote audio. Recording must be stopped ({@link #stopRecording}) after
     * the peers negotiated and before audio is pushed (see the class comment).
     */
    public static final class Host implements AutoCloseable {
        private final HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
        private final PeerConnectionFactory factory = new PeerConnectionFactory(adm);
        private final Gathering gathering;

        /** Without playout remote audio is received but never decoded, and sinks do not fire: for peers that only send. */
        public Host(boolean playout, Gathering gathering) {
            this.gathering = gathering;
            if (!playout) return;
            adm.initPlayout();
            adm.startPlayout();
        }

        public void stopRecording() {
            adm.stopRecording();
        }

        @Override
        public void close() {
            factory.dispose();
            adm.dispose();
        }
    }

    private LibWebRtcPeer(AudioDeviceModuleBase adm) {
        this(adm, new PeerConnectionFactory(adm), null);
    }

    private LibWebRtcPeer(Host host) {
        this(host.adm, host.factory, host);
    }

    private LibWebRtcPeer(AudioDeviceModuleBase adm, PeerConnectionFactory factory, Host host) {
        this.adm = adm;
        this.factory = factory;
        this.host = host;
        this.pc = factory.createPeerConnection((host == null ? Gathering.ANY_ADDRESS : host.gathering).configuration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
            }

            @Override
            public void onIceGatheringChange(RTCIceGatheringState state) {
                if (state == RTCIceGatheringState.COMPLETE) gathered.complete(null);
            }

            @Override
            public void onConnectionChange(RTCPeerConnectionState state) {
                LibWebRtcPeer.this.state = state;
                if (state == RTCPeerConnectionState.CONNECTED) connected.complete(null);
                if (state == RTCPeerConnectionState.FAILED) connected.completeExceptionally(new AssertionError("libwebrtc: connection FAILED"));
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                if (transceiver.getReceiver().getTrack() instanceof VideoTrack v) {
                    v.addSink(frame -> {
                        VideoTrackSink s = videoSink;
                        if (s != null) s.onVideoFrame(frame);
                    });
                }
                if (transceiver.getReceiver().getTrack() instanceof AudioTrack t && host != null) {
                    // a shared host's peers run long (load baselines): their audio goes to the sink, nothing is kept
                    t.addSink((data, bits, rate, channels, frames) -> {
                        AudioTrackSink s = sink;
                        if (s != null) s.onData(data, bits, rate, channels, frames);
                    });
                } else if (transceiver.getReceiver().getTrack() instanceof AudioTrack t) {
                    String trackId = t.getId();
                    TrackAudio heard = trackAudio != null ? trackAudio : recordedAs(trackId);
                    t.addSink((data, bits, rate, channels, frames) -> {
                        short[] mono = new short[frames];
                        for (int i = 0; i < frames; i++) mono[i] = (short) ((data[2 * i * channels] & 0xff) | (data[2 * i * channels + 1] << 8));
                        heard.onAudio(trackId, mono);
                        AudioTrackSink s = sink;
                        if (s != null) s.onData(data, bits, rate, channels, frames);
                    });
                }
            }
        });
    }

    /**
     * A shard: one send-receive audio track fed by {@link #pushAudio} (stream "world"), optionally a
     * send-only video track fed by {@link #pushVideoFrame}; remote audio recorded per track.
     */
    public static LibWebRtcPeer shard(boolean video) {
        return shard(video, null);
    }

    /** As {@link #shard(boolean)}, remote audio handed to {@code heard} instead of recorded (null: recorded). */
    public static LibWebRtcPeer shard(boolean video, TrackAudio heard) {
        HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
        LibWebRtcPeer p = new LibWebRtcPeer(adm);
        p.trackAudio = heard;
        adm.initPlayout();
        adm.startPlayout();
        p.source = new CustomAudioSource();
        p.addWorldAudio();
        if (video) {
            p.videoSource = new CustomVideoSource();
            RTCRtpTransceiverInit v = new RTCRtpTransceiverInit();
            v.direction = RTCRtpTransceiverDirection.SEND_ONLY;
            v.streamIds = List.of("world");
            p.pc.addTransceiver(p.factory.createVideoTrack("world-video", p.videoSource), v);
        }
        return p;
    }

    /** The world's send-receive audio track, fed by {@link #pushAudio}. */
    private void addWorldAudio() {
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.SEND_RECV;
        init.streamIds = List.of("world");
        pc.addTransceiver(factory.createAudioTrack("world-audio", source), init);
    }

    /**
     * A shard on a shared {@link Host}: one send-receive audio track fed by {@link #pushAudio}; its
     * remote audio goes to {@code sink} only (nothing recorded per track).
     */
    public static LibWebRtcPeer shard(Host host, AudioTrackSink sink) {
        LibWebRtcPeer p = new LibWebRtcPeer(host);
        p.sink = sink;
        p.source = new CustomAudioSource();
        p.addWorldAudio();
        return p;
    }

    /**
     * A peer on a shared {@link Host} with no tracks of its own: it answers an offer
     * ({@link #answerTo}) and receives what it offers; remote audio goes to {@code sink}.
     */
    public static LibWebRtcPeer answering(Host host, AudioTrackSink sink) {
        LibWebRtcPeer p = new LibWebRtcPeer(host);
        p.sink = sink;
        return p;
    }

    /** Adds a send-only audio track fed by the returned source ({@link #push}); a renegotiation ({@link #offer}) announces it. */
    public CustomAudioSource addSendTrack(String trackId, String streamId) {
        CustomAudioSource s = new CustomAudioSource();
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
        init.streamIds = List.of(streamId);
        pc.addTransceiver(factory.createAudioTrack(trackId, s), init);
        return s;
    }

    /** Stops the headless module's recording (see the class comment); harmless for other modules. */
    public void stopRecording() {
        adm.stopRecording();
    }

    /** Whether this peer was made with a video track to feed. */
    public boolean hasVideo() {
        return videoSource != null;
    }

    /** A peer that sends one audio track fed by {@link #pushAudio}. */
    public static LibWebRtcPeer sender() {
        LibWebRtcPeer p = new LibWebRtcPeer(new AudioDeviceModule(AudioLayer.kDummyAudio));
        p.source = new CustomAudioSource();
        AudioTrack track = p.factory.createAudioTrack("tone", p.source);
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
        init.streamIds = List.of("shard");
        p.pc.addTransceiver(track, init);
        return p;
    }

    /** A peer that only receives audio; its PCM reaches {@code sink}. */
    public static LibWebRtcPeer receiver(AudioTrackSink sink) {
        HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
        LibWebRtcPeer p = new LibWebRtcPeer(adm);
        p.sink = sink;
        adm.initPlayout();
        adm.startPlayout();
        CustomAudioSource silent = new CustomAudioSource();
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
        p.pc.addTransceiver(p.factory.createAudioTrack("unused", silent), init);
        return p;
    }

    /** A peer that sends one video track fed by {@link #pushVideoFrame}. */
    public static LibWebRtcPeer videoPublisher() {
        LibWebRtcPeer p = new LibWebRtcPeer(new AudioDeviceModule(AudioLayer.kDummyAudio));
        p.videoSource = new CustomVideoSource();
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
        init.streamIds = List.of("world");
        p.pc.addTransceiver(p.factory.createVideoTrack("camera", p.videoSource), init);
        return p;
    }

    /** A peer that receives one video track; decoded frames reach {@code sink} (which must release them). */
    public static LibWebRtcPeer videoSubscriber(VideoTrackSink sink) {
        LibWebRtcPeer p = new LibWebRtcPeer(new AudioDeviceModule(AudioLayer.kDummyAudio));
        p.videoSink = sink;
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
        p.pc.addTransceiver(p.factory.createVideoTrack("unused", new CustomVideoSource()), init);
        return p;
    }

    /** Pushes one 320x240 frame: a horizontal luminance ramp that moves with {@code n}. */
    public void pushVideoFrame(int n) {
        NativeI420Buffer buffer = NativeI420Buffer.allocate(320, 240);
        java.nio.ByteBuffer y = buffer.getDataY();
        for (int row = 0; row < 240; row++) {
            for (int col = 0; col < 320; col++) y.put(row * buffer.getStrideY() + col, (byte) ((col + n * 4) & 0xff));
        }
        java.nio.ByteBuffer u = buffer.getDataU();
        java.nio.ByteBuffer v = buffer.getDataV();
        for (int i = 0; i < buffer.getStrideU() * 120; i++) u.put(i, (byte) 128);
        for (int i = 0; i < buffer.getStrideV() * 120; i++) v.put(i, (byte) 128);
        VideoFrame frame = new VideoFrame(buffer, System.nanoTime());
        videoSource.pushFrame(frame);
        frame.release();
    }

    /** Creates the offer, applies it and waits for ICE gathering: the SDP then holds every candidate. */
    public String offer() throws Exception {
        CompletableFuture<RTCSessionDescription> created = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                created.complete(d);
            }

            @Override
            public void onFailure(String error) {
                created.completeExceptionally(new AssertionError(error));
            }
        });
        RTCSessionDescription d = created.get(10, TimeUnit.SECONDS);
        set(true, d);
        gathered.get(15, TimeUnit.SECONDS);
        return pc.getLocalDescription().sdp;
    }

    /** Keeps a remote track's audio for {@link #audioByTrack} (the tests read it). */
    private TrackAudio recordedAs(String trackId) {
        java.util.List<short[]> mine = perTrack.computeIfAbsent(trackId, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
        return (id, mono) -> mine.add(mono);
    }

    /** Mono PCM received so far per remote track id (48 kHz as the headless module plays it). */
    public java.util.Map<String, java.util.List<short[]>> audioByTrack() {
        return perTrack;
    }

    /** Answers an offer from the relay (a renegotiation) and returns the answer SDP. */
    public String answerTo(String offerSdp) throws Exception {
        set(false, new RTCSessionDescription(RTCSdpType.OFFER, offerSdp));
        CompletableFuture<RTCSessionDescription> created = new CompletableFuture<>();
        pc.createAnswer(new dev.onvoid.webrtc.RTCAnswerOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                created.complete(d);
            }

            @Override
            public void onFailure(String error) {
                created.completeExceptionally(new AssertionError("libwebrtc cannot answer: " + error));
            }
        });
        RTCSessionDescription d = created.get(10, TimeUnit.SECONDS);
        set(true, d);
        gathered.get(15, TimeUnit.SECONDS); // a first answer then carries candidates; later ones return at once
        return pc.getLocalDescription().sdp;
    }

    public void answer(String sdp) throws Exception {
        set(false, new RTCSessionDescription(RTCSdpType.ANSWER, sdp));
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
                done.completeExceptionally(new AssertionError("libwebrtc refused the " + (local ? "offer" : "answer") + ": " + error));
            }
        };
        if (local) pc.setLocalDescription(d, o); else pc.setRemoteDescription(d, o);
        done.get(10, TimeUnit.SECONDS);
    }

    /** The connection's state as libwebrtc last reported it. */
    public RTCPeerConnectionState state() {
        return state;
    }

    public void awaitConnected(Duration timeout) throws Exception {
        connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** 10 ms of 16-bit mono PCM at 48 kHz. */
    public void pushAudio(short[] mono480) {
        byte[] b = new byte[mono480.length * 2];
        for (int i = 0; i < mono480.length; i++) {
            b[2 * i] = (byte) mono480[i];
            b[2 * i + 1] = (byte) (mono480[i] >> 8);
        }
        source.pushAudio(b, 16, 48_000, 1, mono480.length);
    }

    /** As {@link #push}, into this peer's own track. */
    public void pushAudio(short[] mono, int offset, byte[] scratch) {
        push(source, mono, offset, scratch);
    }

    /** Pushes 480 samples (10 ms at 48 kHz) of {@code mono} from {@code offset} into {@code source}, through {@code scratch} (960 bytes). */
    public static void push(CustomAudioSource source, short[] mono, int offset, byte[] scratch) {
        for (int i = 0; i < 480; i++) {
            scratch[2 * i] = (byte) mono[offset + i];
            scratch[2 * i + 1] = (byte) (mono[offset + i] >> 8);
        }
        source.pushAudio(scratch, 16, 48_000, 1, 480);
    }

    @Override
    public void close() {
        pc.close();
        if (host != null) return; // the host's factory and module outlive its peers
        factory.dispose();
        adm.dispose();
    }
}
