package org.inwardportal.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The spectators of each binding, and what they were last told of each kind ({@code room.state},
 * {@code speakers}), so a viewer who joins sees the world's state at once instead of at its next
 * change. Thread-safe; a viewer is whatever delivers a message to its connection.
 */
final class Audience {
    private final Map<String, Set<Consumer<ObjectNode>>> viewers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ObjectNode>> last = new ConcurrentHashMap<>();

    void join(String binding, Consumer<ObjectNode> viewer) {
        viewers.computeIfAbsent(binding, b -> ConcurrentHashMap.newKeySet()).add(viewer);
        last.getOrDefault(binding, Map.of()).values().forEach(viewer);
    }

    void leave(String binding, Consumer<ObjectNode> viewer) {
        viewers.computeIfPresent(binding, (b, set) -> {
            set.remove(viewer);
            return set.isEmpty() ? null : set;
        });
    }

    /** Tells every viewer of the binding, and remembers the message as the latest of its type. */
    void tell(String binding, ObjectNode message) {
        last.computeIfAbsent(binding, b -> new ConcurrentHashMap<>()).put(message.path("type").asText(), message);
        viewers.getOrDefault(binding, Set.of()).forEach(v -> v.accept(message));
    }

    int count(String binding) {
        return viewers.getOrDefault(binding, Set.of()).size();
    }
}
