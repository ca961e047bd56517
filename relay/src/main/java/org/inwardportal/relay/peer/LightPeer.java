package org.inwardportal.relay.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.DatagramTransport;
import org.inwardportal.relay.dtls.DtlsIdentity;
import org.inwardportal.relay.dtls.DtlsSrtpClient;
import org.inwardportal.relay.ice.StunMessage;
import org.inwardportal.relay.ice.StunWriter;
import org.inwardportal.relay.sdp.SessionDescription;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpTransformer;

/**
 * A minimal WebRTC peer for tests and the load harness: one blocking UDP socket, ICE as the
 * controlling agent (one nominated check), DTLS-SRTP as client, then SRTP both ways. Unlike
 * libwebrtc it can use loopback. Opus (payload type 111, audio-level extension 1), and VP8 (96) sent
 * like a shard or received like a spectator.
 */
public final class LightPeer implements AutoCloseable {
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;

    private final DatagramSocket socket;
    private final DtlsIdentity identity = new DtlsIdentity();
    private final String ufrag;
    private final String pwd;
    private final SecureRandom random = new SecureRandom();
    private InetSocketAddress relay;
    private volatile String remoteUfrag, remotePwd;
    private SrtpTransformer outbound;
    private SrtpTransformer inbound;
    private final byte[] receiveBuffer = new byte[2048];

    public LightPeer(InetAddress bind) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        ufrag = "lp" + Long.toHexString(random.nextLong()).substring(0, 6);
        pwd = "lightpeerpassword" + Long.toHexString(random.nextLong());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The SDP offer: one bundled audio section, Opus 111 with the audio-level extension. */
    public String offer() {
        return offer(0);
    }

    /**
     * The offer: one Opus section, and with a video SSRC other than 0 a send-only VP8 section too
     * (payload type {@link #VP8_PT}; bundled, so video shares the one socket and DTLS association).
     */
    public String offer(int videoSsrc) {
        return offer(videoSsrc != 0, videoSsrc);
    }

    /** A spectator's offer: the Opus section of {@link #offer()}, and a receive-only VP8 section for the world's video. */
    public String viewerOffer() {
        return offer(true, 0);
    }

    // a video section when asked: send-only from videoSsrc, or receive-only when it is 0
    private String offer(boolean video, int videoSsrc) {
        String ice = String.join("\r\n", "a=ice-ufrag:" + ufrag, "a=ice-pwd:" + pwd, "a=fingerprint:" + identity.sdpFingerprint(),
                "a=setup:actpass");
        String sdp = String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0" + (video ? " 1" : ""),
                "m=audio 9 UDP/TLS/RTP/SAVPF " + OPUS_PT, "c=IN IP4 0.0.0.0", ice,
                "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=sendrecv",
                "a=rtcp-mux", "a=rtpmap:" + OPUS_PT + " opus/48000/2", "a=fmtp:" + OPUS_PT + " minptime=10;useinbandfec=1",
                "a=ssrc:" + 0x5eed + " cname:light", "");
        if (!video) return sdp;
        sdp += String.join("\r\n", "m=video 9 UDP/TLS/RTP/SAVPF " + VP8_PT, "c=IN IP4 0.0.0.0", ice, "a=mid:1",
                videoSsrc != 0 ? "a=sendonly" : "a=recvonly",
                "a=rtcp-mux", "a=rtpmap:" + VP8_PT + " VP8/90000", "a=rtcp-fb:" + VP8_PT + " nack", "a=rtcp-fb:" + VP8_PT + " nack pli", "");
        return videoSsrc == 0 ? sdp : sdp + "a=ssrc:" + (videoSsrc & 0xFFFFFFFFL) + " cname:light\r\n";
    }

    /** Protects and sends one VP8 RTP packet (the payload starts with its RFC 7741 descriptor). */
    public void sendVideo(int ssrc, int seq, long timestamp90k, boolean marker, byte[] payload, int offset, int length) throws IOException {
        ByteBuf p = Unpooled.buffer(12 + length + 16);
        p.writeByte(0x80).writeByte((marker ? 0x80 : 0) | VP8_PT).writeShort(seq).writeInt((int) timestamp90k).writeInt(ssrc)
                .writeBytes(payload, offset, length);
        if (outbound.protectRtp(p) != SrtpTransformer.Result.OK) throw new IOException("cannot protect");
        byte[] bytes = new byte[p.readableBytes()];
        p.getBytes(0, bytes);
        socket.send(new DatagramPacket(bytes, bytes.length, relay));
    }

    /**
     * An answer to a relay offer that adds tracks (a renegotiation of the connected session): the
     * offer's sections accepted as they are, with this peer's ICE credentials and certificate, and
     * receiving what the relay sends. The light peer takes every SSRC on its one socket anyway.
     */
    public String answerTo(String relayOffer) {
        StringBuilder out = new StringBuilder();
        for (String l : relayOffer.split("\r\n")) {
            if (l.startsWith("a=ice-ufrag:")) l = "a=ice-ufrag:" + ufrag;
            else if (l.startsWith("a=ice-pwd:")) l = "a=ice-pwd:" + pwd;
            else if (l.startsWith("a=fingerprint:")) l = "a=fingerprint:" + identity.sdpFingerprint();
            else if (l.startsWith("a=setup:")) l = "a=setup:active";
            else if (l.equals("a=sendonly")) l = "a=recvonly";
            else if (l.startsWith("a=candidate") || l.startsWith("a=ice-lite") || l.startsWith("a=ssrc") || l.startsWith("a=msid")) continue;
            out.append(l).append("\r\n");
        }
        return out.toString();
    }

    /** ICE check with USE-CANDIDATE to the first candidate of the answer, then the DTLS handshake. */
    public void connect(String answerSdp) throws Exception {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        var m = answer.media.getFirst();
        String[] cand = m.candidates.getFirst().split(" ");
        relay = new InetSocketAddress(cand[4], Integer.parseInt(cand[5]));
        remoteUfrag = m.iceUfrag;
        remotePwd = m.icePwd;
        check(m.iceUfrag, m.icePwd, true);
        DtlsSrtpClient client = new DtlsSrtpClient(identity, m.fingerprint.substring(8).trim());
        SrtpKeys[] keys = client.connect(new SocketTransport());
        outbound = new SrtpTransformer(keys[0]);
        inbound = new SrtpTransformer(keys[1]);
    }

    /** One connectivity check (also what keeps consent fresh); returns when the success response arrives. */
    public void check(String remoteUfrag, String remotePwd, boolean useCandidate) throws Exception {
        sendBindingRequest(remoteUfrag, remotePwd, useCandidate);
        socket.setSoTimeout(3000);
        for (int tries = 0; tries < 20; tries++) {
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            socket.receive(p);
            ByteBuf b = Unpooled.wrappedBuffer(receiveBuffer, 0, p.getLength());
            if (StunMessage.looksLikeStun(b)) {
                StunMessage res = new StunMessage().parse(b);
                if (res.type() == StunMessage.BINDING_SUCCESS) return;
                throw new IOException("connectivity check refused (STUN type 0x" + Integer.toHexString(res.type()) + ")");
            }
        }
        throw new IOException("no STUN response");
    }

    /**
     * Sends a consent-freshness check (RFC 7675 §5.1: at least every 5 s, or the relay ends the
     * session after its consent timeout) without waiting for the response, so a thread receiving
     * media meanwhile is not disturbed ({@link #receiveRtp} skips the response).
     */
    public void refreshConsent() throws Exception {
        if (remotePwd == null) throw new IllegalStateException("not connected");
        sendBindingRequest(remoteUfrag, remotePwd, false);
    }

    // a STUN binding request as the controlling agent (RFC 8445 §7.2.2), signed with the relay's password
    private void sendBindingRequest(String remoteUfrag, String remotePwd, boolean useCandidate) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(remotePwd.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        byte[] tx = new byte[12];
        random.nextBytes(tx);
        ByteBuf req = Unpooled.buffer();
        StunWriter.bindingRequest(req, tx, remoteUfrag + ":" + ufrag, mac, useCandidate, 0x7e7f00ff, random.nextLong(), new CRC32(), new byte[20]);
        sendRaw(req);
    }

    public void sendRaw(ByteBuf b) throws IOException {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        socket.send(new DatagramPacket(bytes, bytes.length, relay));
    }

    public void sendRaw(byte[] bytes, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /** Builds, protects and sends one Opus RTP packet; returns the protected bytes (for replay tests). */
    public byte[] sendOpus(int ssrc, int seq, long timestamp, byte[] opus, int audioLevel) throws IOException {
        ByteBuf p = Unpooled.buffer(1500);
        p.writeByte(0x90).writeByte(OPUS_PT).writeShort(seq).writeInt((int) timestamp).writeInt(ssrc)
                .writeShort(0xBEDE).writeShort(1).writeByte(0x10).writeByte(0x80 | audioLevel).writeShort(0)
                .writeBytes(opus);
        if (outbound.protectRtp(p) != SrtpTransformer.Result.OK) throw new IOException("cannot protect");
        byte[] bytes = new byte[p.readableBytes()];
        p.getBytes(0, bytes);
        socket.send(new DatagramPacket(bytes, bytes.length, relay));
        return bytes;
    }

    /** Receives the next SRTP packet from the relay and returns its decrypted RTP bytes, or null on timeout. */
    public byte[] receiveRtp(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            int first = receiveBuffer[0] & 0xff;
            if (first < 128 || first > 191) continue; // STUN or DTLS
            ByteBuf b = Unpooled.copiedBuffer(receiveBuffer, 0, p.getLength());
            if (inbound.unprotectRtp(b) != SrtpTransformer.Result.OK) continue;
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(0, out);
            return out;
        }
        return null;
    }

    /** Receives the next SRTCP packet from the relay and returns the decrypted compound, or null on timeout. */
    public byte[] receiveRtcp(int timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            int pt = p.getLength() > 1 ? receiveBuffer[1] & 0x7f : 0;
            if ((receiveBuffer[0] & 0xC0) != 0x80 || pt < 64 || pt > 95) continue;
            ByteBuf b = Unpooled.copiedBuffer(receiveBuffer, 0, p.getLength());
            if (inbound.unprotectRtcp(b) != SrtpTransformer.Result.OK) continue;
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(0, out);
            return out;
        }
        return null;
    }

    public List<String> describe() {
        return List.of(ufrag, String.valueOf(localAddress()));
    }

    @Override
    public void close() {
        socket.close();
    }

    /** BouncyCastle's DTLS over this peer's socket, skipping STUN. */
    private final class SocketTransport implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, waitMillis));
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, off, len);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return -1;
                }
                int first = buf[off] & 0xff;
                if (first >= 20 && first <= 63) return p.getLength();
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            socket.send(new DatagramPacket(buf, off, len, relay));
        }

        @Override
        public void close() {
        }
    }
}
