package org.inwardportal.signaling.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A shard's side of signaling protocol v1 over the JDK's WebSocket, whatever its media: the
 * relay's offers go to {@link #onOffer}, its other messages to {@link #expect} and {@link #onRelayMessage}.
 * {@link ShardClient} (libwebrtc) and {@link LightShardClient} (pure Java) build on it.
 */
abstract class ShardSignaling implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    /** Opens the WebSocket; call once, from the subclass's constructor, when its media side is ready for offers. */
    final void openSignaling(URI signaling) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(signaling, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode m = JSON.readTree(partial.toString());
                        if ("offer".equals(m.path("type").asText())) {
                            onOffer(m.path("sdp").asText());
                        } else {
                            received(m);
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

    /** An offer from the relay (a renegotiation, e.g. speaker tracks): answer it with {@code send}. */
    abstract void onOffer(String sdp) throws Exception;

    /** Any other message from the relay, as it arrives. */
    void onRelayMessage(JsonNode m) {
    }

    /** A message for {@link #expect} and {@link #onRelayMessage}: from the relay, or the client's own about a failure. */
    final void received(JsonNode m) {
        inbox.add(m);
        onRelayMessage(m);
    }

    /** Says hello with the shard's token and returns the relay's {@code welcome}. */
    final JsonNode hello(String shard, String token, Duration timeout) throws Exception {
        send(JSON.createObjectNode().put("type", "hello").put("v", 1).put("role", "shard").put("shard", shard).put("token", token));
        return expect("welcome", timeout);
    }

    /** The next message of {@code type} from the relay (others before it are dropped); an error message from the relay is thrown. */
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
    public void roomState(String world, Map<String, String> playersById) {
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

    /**
     * Sends one message. Synchronized: the JDK's WebSocket refuses a send while another is pending,
     * and answers to the relay's offers may go out while the caller reports room.state.
     */
    public synchronized void send(ObjectNode m) {
        ws.sendText(m.toString(), true).join();
    }

    /** Says bye and drops the WebSocket (if it was opened). */
    final void closeSignaling() {
        if (ws == null) return;
        try {
            send(JSON.createObjectNode().put("type", "bye"));
        } catch (RuntimeException ignored) {
            // already closed
        }
        ws.abort();
    }
}
