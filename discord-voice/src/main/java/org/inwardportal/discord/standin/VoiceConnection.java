package org.inwardportal.discord.standin;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** One bot's voice session as the stand-in's voice server sees it. */
final class VoiceConnection {
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
    private int serverSeq;
    private int sendCounter = 1;

    VoiceConnection(long userId, long guildId, String sessionId, String token, int ssrc) {
        this.userId = userId;
        this.guildId = guildId;
        this.sessionId = sessionId;
        this.token = token;
        this.ssrc = ssrc;
    }

    synchronized int nextServerSeq() {
        return ++serverSeq;
    }

    synchronized int nextCounter() {
        return sendCounter++;
    }

    boolean mediaReady() {
        return udpAddress != null && cipher != null;
    }
}
