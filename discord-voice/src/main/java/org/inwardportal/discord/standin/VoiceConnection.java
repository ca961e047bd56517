package org.inwardportal.discord.standin;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * One bot's voice session as the stand-in's voice server sees it. It outlives its WebSocket: the
 * voice gateway v8 keeps every sequenced message until the client acknowledges it ({@code seq_ack}
 * in heartbeats and RESUME) and replays the rest after a RESUME ("buffered resume"), so a bot
 * that resumes misses nothing, DAVE handshakes included.
 */
final class VoiceConnection {
    /** Unacknowledged messages kept at most; older ones are lost to a resuming client. */
    static final int MAX_UNACKED = 4096;

    final long userId;
    final long guildId;
    final String sessionId;
    final String token;
    final int ssrc;
    volatile Channel socket;
    volatile InetSocketAddress udpAddress;
    volatile TransportCipher cipher;
    /** The voice channel whose DAVE group this session is a participant of (null: none). */
    volatile Long daveChannel;
    /** The last speaking flags the bot sent (op 5), -1 before its first. */
    volatile int speaking = -1;
    /** Member SSRCs this session was told of with a SPEAKING op (op 5). */
    final java.util.Set<Integer> announcedSsrcs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** False once the session ended (its resume window passed, or it was replaced): RESUME gets 4006. */
    volatile boolean resumable = true;
    private int serverSeq;
    private int sendCounter = 1;
    private final ArrayDeque<Sent> unacked = new ArrayDeque<>();
    private Future<?> expiry;

    private record Sent(int seq, boolean binary, byte[] bytes) {
        WebSocketFrame frame() {
            return binary ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)) : new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        }
    }

    VoiceConnection(long userId, long guildId, String sessionId, String token, int ssrc) {
        this.userId = userId;
        this.guildId = guildId;
        this.sessionId = sessionId;
        this.token = token;
        this.ssrc = ssrc;
    }

    /**
     * Sends a message that carries the next sequence number ({@code encode} writes it in), keeping
     * it for a resume; while no socket is attached it is only kept.
     */
    synchronized void sendSequenced(boolean binary, IntFunction<byte[]> encode) {
        Sent sent = new Sent(++serverSeq, binary, encode.apply(serverSeq));
        unacked.addLast(sent);
        if (unacked.size() > MAX_UNACKED) unacked.removeFirst();
        Channel s = socket;
        if (s != null && s.isActive()) s.writeAndFlush(sent.frame());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Forgets what the client has seen: sequence numbers up to {@code seqAck} (16-bit serial arithmetic, as binary messages carry 16 bits). */
    synchronized void acknowledge(long seqAck) {
        while (!unacked.isEmpty() && ((seqAck - unacked.peekFirst().seq()) & 0xffff) < 0x8000) unacked.removeFirst();
    }

    /** The session's socket went away: {@code expire} runs unless it resumes first. */
    synchronized void detached(Future<?> expiry) {
        socket = null;
        if (this.expiry != null) this.expiry.cancel(false);
        this.expiry = expiry;
    }

    /** Attaches {@code ch} and sends it everything after {@code seqAck}, in order; returns how many messages were replayed. */
    synchronized int resumeOn(Channel ch, long seqAck) {
        if (expiry != null) expiry.cancel(false);
        expiry = null;
        acknowledge(seqAck);
        socket = ch;
        for (Sent s : unacked) ch.write(s.frame());
        ch.flush();
        return unacked.size();
    }

    /** Ends the session for good; true if it was still resumable. */
    synchronized boolean end() {
        if (expiry != null) expiry.cancel(false);
        expiry = null;
        boolean was = resumable;
        resumable = false;
        return was;
    }

    synchronized int nextCounter() {
        return sendCounter++;
    }

    boolean mediaReady() {
        return udpAddress != null && cipher != null;
    }
}
