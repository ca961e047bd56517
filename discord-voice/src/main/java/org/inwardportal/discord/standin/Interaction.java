package org.inwardportal.discord.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A slash command (or autocomplete request) a member ran, and what the bot answered: the initial
 * callback ({@code POST interactions/{id}/{token}/callback}), then edits of the original response
 * and follow-ups (webhook calls with the interaction token).
 */
public final class Interaction {
    final long id;
    final String token;
    final long botId;
    private final List<JsonNode> responses = new ArrayList<>();

    Interaction(long id, String token, long botId) {
        this.id = id;
        this.token = token;
        this.botId = botId;
    }

    public long id() {
        return id;
    }

    void record(JsonNode response) {
        synchronized (responses) {
            responses.add(response);
            responses.notifyAll();
        }
    }

    public List<JsonNode> responses() {
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }

    /** Waits for the n-th response (1 = the callback); null on timeout. */
    public JsonNode awaitResponse(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (responses) {
            while (responses.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                responses.wait(Math.max(1, left / 1_000_000));
            }
            return responses.get(n - 1);
        }
    }

    /** The text of the reply as the member sees it: the latest content among all responses. */
    public String replyText() {
        String text = null;
        for (JsonNode r : responses()) {
            JsonNode content = r.has("data") ? r.path("data").path("content") : r.path("content");
            if (content.isTextual()) text = content.asText();
        }
        return text;
    }

    /** Whether the first reply was only for the member who asked (flag 64). */
    public boolean ephemeral() {
        List<JsonNode> r = responses();
        return !r.isEmpty() && (r.getFirst().path("data").path("flags").asInt() & 64) != 0;
    }
}
