package org.inwardportal.relay.endpoint;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.inwardportal.relay.dtls.DatagramChannelTransport;
import org.inwardportal.relay.dtls.DtlsHandshake;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.srtp.SrtpTransformer;

/**
 * One WebRTC peer of the endpoint: its ICE-lite credentials and selected address, its DTLS
 * handshake, and its SRTP contexts once keys exist. Owned by the endpoint's event loop; the DTLS
 * thread only hands keys back through the loop.
 */
public final class PeerSession {
    public enum State { CHECKING, CONNECTING, CONNECTED, CLOSED }

    final String id;
    final String localUfrag;
    final byte[] localUfragBytes;
    final String localPwd;
    final Mac localMac;
    final SdpAnswerer.Answer answer;
    final MediaSink sink;
    final long createdNanos = System.nanoTime();
    final int opusPayloadType;
    final int audioLevelExtension;
    final boolean[] videoPayloadTypes = new boolean[128];
    volatile State state = State.CHECKING;
    InetSocketAddress selected;
    boolean nominated;
    long lastConsentNanos;
    DatagramChannelTransport dtlsTransport;
    DtlsHandshake dtls;
    SrtpTransformer inbound;
    SrtpTransformer outbound;
    final AtomicLong packetsIn = new AtomicLong();
    final AtomicLong packetsOut = new AtomicLong();
    String closeReason;
    volatile org.inwardportal.relay.srtp.SrtpProfile profile;
    /** RTCP bookkeeping; event loop only. */
    final java.util.List<org.inwardportal.relay.rtp.ReceiveStatistics> receiveStats = new java.util.ArrayList<>();
    final java.util.List<org.inwardportal.relay.rtp.SendStatistics> sendStats = new java.util.ArrayList<>();
    static final int MAX_STATS = 64;

    org.inwardportal.relay.rtp.ReceiveStatistics receiveStats(int ssrc, int clockRate) {
        for (var r : receiveStats) if (r.ssrc == ssrc) return r;
        if (receiveStats.size() == MAX_STATS) return null;
        var r = new org.inwardportal.relay.rtp.ReceiveStatistics(ssrc, clockRate);
        receiveStats.add(r);
        return r;
    }

    org.inwardportal.relay.rtp.SendStatistics sendStats(int ssrc, int clockRate) {
        for (var s : sendStats) if (s.ssrc == ssrc) return s;
        if (sendStats.size() == MAX_STATS) return null;
        var s = new org.inwardportal.relay.rtp.SendStatistics(ssrc, clockRate);
        sendStats.add(s);
        return s;
    }
    /** The relay's current local description (its answer, or its last accepted offer) and a pending offer. */
    String localSdp;
    String pendingOffer;
    int localVersion = 2;
    final long sdpSessionId;
    /** Payload type of Opus on this session, as the peer accepted it. */
    public int opusPayloadType() {
        return opusPayloadType;
    }

    /** The SRTP profile DTLS negotiated, once connected. */
    public org.inwardportal.relay.srtp.SrtpProfile srtpProfile() {
        return profile;
    }

    PeerSession(String id, String localUfrag, String localPwd, SdpAnswerer.Answer answer, MediaSink sink) {
        this.id = id;
        this.localUfrag = localUfrag;
        this.localUfragBytes = localUfrag.getBytes(StandardCharsets.US_ASCII);
        this.localPwd = localPwd;
        this.answer = answer;
        this.sink = sink;
        this.localSdp = answer.sdp();
        this.sdpSessionId = Math.abs(id.hashCode()) + 1L;
        try {
            localMac = Mac.getInstance("HmacSHA1");
            localMac.init(new SecretKeySpec(localPwd.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int opus = -1;
        int level = 0;
        for (SdpAnswerer.Accepted a : answer.accepted()) {
            if (a.kind().equals("audio")) {
                opus = a.codecs().getFirst().payloadType();
                level = a.extension(SdpAnswerer.AUDIO_LEVEL);
            } else {
                a.codecs().forEach(c -> videoPayloadTypes[c.payloadType()] = true);
            }
        }
        this.opusPayloadType = opus;
        this.audioLevelExtension = level;
    }

    public String id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** The SDP answer to send back to the peer. */
    public String answerSdp() {
        return answer.sdp();
    }

    public SdpAnswerer.Answer answer() {
        return answer;
    }

    /** The address media goes to (the nominated pair), or null before ICE succeeded. */
    public InetSocketAddress remoteAddress() {
        return selected;
    }

    public long packetsIn() {
        return packetsIn.get();
    }

    public long packetsOut() {
        return packetsOut.get();
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public String toString() {
        return "session " + id + " (" + state + (selected == null ? "" : ", " + selected) + ")";
    }
}
