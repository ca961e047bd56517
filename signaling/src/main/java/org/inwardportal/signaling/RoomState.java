package org.inwardportal.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard's {@code room.state}: the world's name and map, and who is in it. The control plane turns
 * it into player counts and empty→occupied notifications.
 */
public record RoomState(String world, String map, List<Player> players, int count) {
    static final int MAX_PLAYERS = 10_000;
    static final int MAX_TEXT = 2000;

    public record Player(String id, String name) {
    }

    /** A field that is missing or wrong, named for the {@code error} message. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final String field;
        final boolean missing;

        Invalid(String field, boolean missing, String message) {
            super(message, null, false, false);
            this.field = field;
            this.missing = missing;
        }
    }

    static RoomState from(JsonNode msg) throws Invalid {
        String world = msg.path("world").asText(null);
        if (world == null) throw new Invalid("world", true, "room.state needs 'world' (the world's name)");
        String map = msg.path("map").isTextual() ? msg.get("map").asText() : null;
        JsonNode list = msg.path("players");
        if (!list.isArray()) throw new Invalid("players", true, "room.state needs 'players': [{id, name}, …] (may be empty)");
        if (list.size() > MAX_PLAYERS) throw new Invalid("players", false, "more than " + MAX_PLAYERS + " players");
        List<Player> players = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            if (!p.path("id").isTextual() || !p.path("name").isTextual()) {
                throw new Invalid("players[" + i + "]", false, "each player is {id, name} with string values");
            }
            players.add(new Player(p.get("id").asText(), p.get("name").asText()));
        }
        int count = msg.has("count") ? msg.path("count").asInt(-1) : players.size();
        if (count < 0) throw new Invalid("count", false, "count is a number of players, at least 0");
        return new RoomState(world, map, List.copyOf(players), count);
    }
}
