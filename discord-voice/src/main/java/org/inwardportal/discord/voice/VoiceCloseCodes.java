package org.inwardportal.discord.voice;

import com.neovisionaries.ws.client.WebSocket;
import com.neovisionaries.ws.client.WebSocketAdapter;
import com.neovisionaries.ws.client.WebSocketFrame;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.IntConsumer;
import net.dv8tion.jda.api.managers.AudioManager;
import net.dv8tion.jda.internal.managers.AudioManagerImpl;

/**
 * Reports the close code of every voice WebSocket JDA opens for one guild. JDA 6.5 neither exposes
 * voice close codes nor knows 4017 (DAVE required), which it treats as "reconnect" forever; with
 * the code in hand the link can fail clearly instead. Uses JDA's internal-but-public accessors
 * (AudioManagerImpl → AudioConnection → WebSocket); JDA is pinned and VoiceLinkTest covers this.
 */
final class VoiceCloseCodes {
    private final Set<WebSocket> tapped = Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

    /** Attaches to the current voice socket if not yet done; call on every connection status change. */
    boolean tap(AudioManager manager, IntConsumer onServerClose) {
        if (!(manager instanceof AudioManagerImpl impl) || impl.getAudioConnection() == null) {
            return false;
        }
        WebSocket socket = impl.getAudioConnection().getWebSocket();
        if (socket == null || !tapped.add(socket)) {
            return socket != null;
        }
        socket.addListener(new WebSocketAdapter() {
            @Override
            public void onDisconnected(WebSocket ws, WebSocketFrame serverCloseFrame, WebSocketFrame clientCloseFrame,
                                       boolean closedByServer) {
                if (serverCloseFrame != null) {
                    onServerClose.accept(serverCloseFrame.getCloseCode());
                }
            }
        });
        return true;
    }

    /** What a voice close code means, for the one log line an operator reads. */
    static String describe(int code) {
        return MEANINGS.getOrDefault(code, "unknown close code");
    }

    private static final Map<Integer, String> MEANINGS = Map.ofEntries(
            Map.entry(1000, "normal close"),
            Map.entry(4001, "unknown opcode"),
            Map.entry(4003, "not authenticated"),
            Map.entry(4004, "authentication failed"),
            Map.entry(4005, "already authenticated"),
            Map.entry(4006, "session no longer valid"),
            Map.entry(4009, "session timeout"),
            Map.entry(4011, "server not found"),
            Map.entry(4012, "unknown protocol"),
            Map.entry(4014, "disconnected (kicked, moved, or channel deleted)"),
            Map.entry(4015, "voice server crashed"),
            Map.entry(4016, "unknown encryption mode"),
            Map.entry(4017, "end-to-end encryption (DAVE) required"),
            Map.entry(4020, "bad request"),
            Map.entry(4021, "rate limited"),
            Map.entry(4022, "call terminated (channel deleted, or everyone disconnected)"));
}
