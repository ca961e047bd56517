package org.inwardportal.bench.load;

import java.util.List;

/**
 * Which threads of a load run are the relay's — its WebRTC endpoint loop, signaling, the store,
 * JDA (gateway, voice web sockets, receive threads, REST) and the paced send threads — by thread
 * name as folded by {@link ProcessProbe#kind}. Everything else emulates the relay's surroundings:
 * the Discord stand-in, the shard clients (virtual threads, their HTTP clients), JFR, the harness.
 */
final class ThreadKinds {
    private static final List<String> RELAY = List.of("relay-", "signaling-", "JDA", "voice-", "OkHttp", "Okio", "portal-db", "HikariPool");

    private ThreadKinds() {
    }

    // the relay's Discord transport (JDA's voice threads, our send system on JDA's paced sender, the bots): a relay on libwebrtc has it too
    private static final List<String> DISCORD_SIDE = List.of("JDA", "voice-", "OkHttp", "Okio");

    static boolean isRelay(String kind) {
        return RELAY.stream().anyMatch(kind::startsWith);
    }

    static boolean isDiscordSide(String kind) {
        return DISCORD_SIDE.stream().anyMatch(kind::startsWith);
    }
}
