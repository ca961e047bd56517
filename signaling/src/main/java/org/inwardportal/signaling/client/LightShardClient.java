package org.inwardportal.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import org.inwardportal.relay.peer.LightPeer;

/**
 * A shard without libwebrtc: the signaling protocol over the JDK's WebSocket ({@link ShardSignaling}),
 * media through a {@link LightPeer} (raw Opus RTP in and out, on loopback too). It answers the
 * relay's offers (speaker tracks). For tests of the whole relay and for load, where a real peer per
 * shard would cost more than the relay being measured.
 */
public final class LightShardClient extends ShardSignaling {
    private final LightPeer peer;
    private volatile JsonNode welcome;

    private LightShardClient(URI signaling, InetAddress bind) throws Exception {
        peer = new LightPeer(bind);
        openSignaling(signaling);
    }

    @Override
    void onOffer(String sdp) throws Exception {
        send(JSON.createObjectNode().put("type", "answer").put("sdp", peer.answerTo(sdp)));
    }

    /** Connects, says hello with the shard's token, offers, and completes ICE and DTLS. */
    public static LightShardClient connect(URI signaling, String shard, String token, Duration timeout) throws Exception {
        return connect(signaling, shard, token, 0, timeout);
    }

    /** As {@link #connect(URI, String, String, Duration)}, offering a VP8 stream too when {@code videoSsrc} is not 0. */
    public static LightShardClient connect(URI signaling, String shard, String token, int videoSsrc, Duration timeout) throws Exception {
        LightShardClient c = new LightShardClient(signaling, InetAddress.getLoopbackAddress());
        try {
            c.welcome = c.hello(shard, token, timeout);
            c.send(JSON.createObjectNode().put("type", "offer").put("sdp", c.peer.offer(videoSsrc)));
            c.peer.connect(c.expect("answer", timeout).path("sdp").asText());
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** The relay's {@code welcome} (session, binding, ICE servers). */
    public JsonNode welcome() {
        return welcome;
    }

    /** The media side: send Opus with {@link LightPeer#sendOpus}, receive with {@link LightPeer#receiveRtp}. */
    public LightPeer peer() {
        return peer;
    }

    @Override
    public void close() {
        closeSignaling();
        peer.close();
    }
}
