package org.inwardportal.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.peer.LightPeer;

/**
 * A shard without libwebrtc: the signaling protocol over the JDK's WebSocket, media through a
 * {@link LightPeer} (raw Opus RTP in and out, on loopback too). It answers the relay's offers
 * (speaker tracks). For tests of the whole relay and for load, where a real peer per shard would
 * cost more than the relay being measured.
 */
public final class LightShardClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LightPeer peer;
    private final WebSocket ws;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile JsonNode welcome;

    private LightShardClient(URI signaling, InetAddress bind) throws Exception {
        peer = new LightPeer(bind);
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(signaling, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode m = JSON.readTree(partial.toString());
                        if ("offer".equals(m.path("type").asText())) {
                            send(JSON.createObjectNode().put("type", "answer").put("sdp", peer.answerTo(m.path("sdp").asText())));
                        } else {
                            inbox.add(m);
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

    /** Connects, says hello with the shard's token, offers, and completes ICE and DTLS. */
    public static LightShardClient connect(URI signaling, String shard, String token, Duration timeout) throws Exception {
        return connect(signaling, shard, token, 0, timeout);
    }

    /** As {@link #connect(URI, String, String, Duration)}, offering a VP8 stream too when {@code videoSsrc} is not 0. */
    public static LightShardClient connect(URI signaling, String shard, String token, int videoSsrc, Duration timeout) throws Exception {
        LightShardClient c = new LightShardClient(signaling, InetAddress.getLoopbackAddress());
        try {
            c.send(JSON.createObjectNode().put("type", "hello").put("v", 1).put("role", "shard").put("shard", shard).put("token", token));
            c.welcome = c.expect("welcome", timeout);
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

    /** The next message of {@code type} from the relay (others before it are dropped), or an error message. */
    public JsonNode expect(String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode m = inbox.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (m == null) throw new IllegalStateException("no " + type + " from the relay within " + timeout);
            if (type.equals(m.path("type").asText())) return m;
            if ("error".equals(m.path("type").asText())) throw new IllegalStateException("the relay said " + m);
        }
    }

    /** Reports the world's state ({@code room.state}): its name and who is in it (id → name). */
    public void roomState(String world, java.util.Map<String, String> playersById) {
        ObjectNode m = JSON.createObjectNode().put("type", "room.state").put("world", world);
        var players = m.putArray("players");
        playersById.forEach((id, name) -> players.addObject().put("id", id).put("name", name));
        send(m);
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

    public void send(ObjectNode m) {
        ws.sendText(m.toString(), true).join();
    }

    @Override
    public void close() {
        try {
            send(JSON.createObjectNode().put("type", "bye"));
        } catch (RuntimeException ignored) {
            // already closed
        }
        ws.abort();
        peer.close();
    }
}
