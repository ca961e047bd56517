package org.inwardportal.bench.load;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.inwardportal.control.binding.LiveBinding;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.peer.LightPeer;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.signaling.Invites;

/**
 * The spectators of a load run: per binding, light peers on loopback admitted as the signaling
 * server admits a viewer (the endpoint answers sending the world's video and audio; the binding's
 * viewer sink), each receiving on a virtual thread of its own (not a relay thread, so not in the
 * relay's CPU) that counts the RTP packets it gets by kind and keeps ICE consent fresh.
 */
final class ViewerSide implements AutoCloseable {
    private static final long CONSENT_NANOS = 2_500_000_000L; // the relay ends a session without consent for longer than ~5 s

    private record Viewer(LightPeer peer, PeerSession session, AtomicLong audio, AtomicLong video) {
    }

    private final List<Viewer> viewers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private long[] windowStart = new long[0];
    private long[] window = new long[0];
    private volatile boolean closed;

    /** Admits {@code count} viewers of binding {@code i} and starts their receivers. */
    void join(MediaEndpoint endpoint, LiveBinding binding, String bindingId, int i, int count) throws Exception {
        for (int k = 0; k < count; k++) {
            long ssrc = 0x10000000L | (i * 256L + k) << 1; // per viewer, as SignalingServer's viewerTracks: video, audio at +1
            Map<String, SdpAnswerer.Track> tracks = Map.of("video", new SdpAnswerer.Track(ssrc, "world", "video"),
                    "audio", new SdpAnswerer.Track(ssrc + 1, "world", "audio"));
            Invites.Invite invite = new Invites.Invite(bindingId, Long.toString(900_000L + i * 256L + k), "Viewer " + k,
                    Instant.now().plusSeconds(3600));
            LightPeer peer = new LightPeer(InetAddress.getLoopbackAddress());
            PeerSession s = endpoint.accept(peer.viewerOffer(), tracks, false, binding.viewerSink(invite, tracks));
            peer.connect(s.answerSdp());
            Viewer v = new Viewer(peer, s, new AtomicLong(), new AtomicLong());
            Thread rx = Thread.ofVirtual().name("load-viewer-rx-" + i + "-" + k).start(() -> receive(v));
            synchronized (this) {
                viewers.add(v);
                threads.add(rx);
            }
        }
    }

    int count() {
        return viewers.size();
    }

    int connected() {
        return (int) viewers.stream().filter(v -> v.session.state() == PeerSession.State.CONNECTED).count();
    }

    void openWindow() {
        windowStart = totals();
    }

    void closeWindow() {
        long[] now = totals();
        window = new long[now.length];
        for (int i = 0; i < now.length; i++) window[i] = now[i] - windowStart[i];
    }

    /** Audio packets received by all viewers in the window. */
    long windowAudio() {
        long n = 0;
        for (int i = 0; i < window.length; i += 2) n += window[i];
        return n;
    }

    long windowVideo() {
        long n = 0;
        for (int i = 1; i < window.length; i += 2) n += window[i];
        return n;
    }

    /** The fewest packets (audio and video) any one viewer received in the window. */
    long windowMinPerViewer() {
        long min = window.length == 0 ? 0 : Long.MAX_VALUE;
        for (int i = 0; i < window.length; i += 2) min = Math.min(min, window[i] + window[i + 1]);
        return min;
    }

    // per viewer: audio, video
    private long[] totals() {
        long[] t = new long[viewers.size() * 2];
        for (int i = 0; i < viewers.size(); i++) {
            t[2 * i] = viewers.get(i).audio.get();
            t[2 * i + 1] = viewers.get(i).video.get();
        }
        return t;
    }

    private void receive(Viewer v) {
        long consentAt = System.nanoTime() + CONSENT_NANOS;
        while (!closed) {
            try {
                byte[] rtp = v.peer.receiveRtp(500);
                if (rtp != null && rtp.length >= 12) ((rtp[1] & 0x7F) == LightPeer.VP8_PT ? v.video : v.audio).incrementAndGet();
                if (System.nanoTime() - consentAt >= 0) {
                    v.peer.refreshConsent();
                    consentAt += CONSENT_NANOS;
                }
            } catch (Exception e) {
                if (!closed) java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
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
        for (Viewer v : viewers) v.peer.close();
    }
}
