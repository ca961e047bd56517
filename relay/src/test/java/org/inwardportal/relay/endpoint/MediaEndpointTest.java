package org.inwardportal.relay.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.inwardportal.relay.ice.StunWriter;
import org.inwardportal.relay.peer.LightPeer;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.testing.LeakRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint end to end on loopback, against the light peer (STUN, DTLS-SRTP, SRTP). */
class MediaEndpointTest {
    static {
        LeakRecorder.install();
    }

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    record Got(String session, int ssrc, int seq, int level, boolean vad, byte[] opus) {
    }

    private final List<Got> got = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final MediaSink sink = new MediaSink() {
        @Override
        public void onMedia(PeerSession s, MediaFrame f) {
            byte[] opus = new byte[f.payloadLength];
            f.copyPayload(opus);
            got.add(new Got(s.id(), f.ssrc, f.sequence, f.audioLevel, f.voiceActivity, opus));
        }

        @Override
        public void onClosed(PeerSession s, String reason) {
            closed.add(s.id() + ": " + reason);
        }
    };
    private MediaEndpoint endpoint;

    private MediaEndpoint start(Duration consent) throws Exception {
        endpoint = new MediaEndpoint(new MediaEndpoint.Config("127.0.0.1", 0, List.of(LOOPBACK), consent), new SimpleMeterRegistry());
        endpoint.start();
        return endpoint;
    }

    @AfterEach
    void stop() {
        if (endpoint != null) endpoint.close();
    }

    private PeerSession connect(LightPeer peer) throws Exception {
        PeerSession s = endpoint.accept(peer.offer(), Map.of("audio", new SdpAnswerer.Track(0x7E1A7, "portal", "discord")), false, sink);
        peer.connect(s.answerSdp());
        await(() -> s.state() == PeerSession.State.CONNECTED, Duration.ofSeconds(5));
        return s;
    }

    private void await(BooleanSupplier c, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + timeout + "; " + counters());
            Thread.sleep(5);
        }
    }

    static byte[] opus(int n) {
        return ("\u00fcopus-frame-" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void opusBothWaysThroughIceDtlsAndSrtp() throws Exception {
        start(Duration.ofSeconds(30));
        try (LightPeer peer = new LightPeer(LOOPBACK)) {
            PeerSession s = connect(peer);
            assertThat(s.remoteAddress()).isEqualTo(peer.localAddress());
            for (int i = 0; i < 50; i++) peer.sendOpus(0xABCDEF, 1000 + i, 960L * i, opus(i), 30);
            await(() -> got.size() == 50, Duration.ofSeconds(5));
            for (int i = 0; i < 50; i++) {
                Got g = got.get(i);
                assertThat(g.opus()).isEqualTo(opus(i));
                assertThat(g.seq()).isEqualTo(1000 + i);
                assertThat(g.ssrc()).isEqualTo(0xABCDEF);
                assertThat(g.level()).isEqualTo(30);
                assertThat(g.vad()).isTrue();
            }
            for (int i = 0; i < 20; i++) {
                ByteBuf rtp = Unpooled.buffer().writeByte(0x80).writeByte(111).writeShort(i).writeInt(960 * i).writeInt(0x7E1A7)
                        .writeBytes(opus(100 + i));
                endpoint.send(s, rtp);
                byte[] back = peer.receiveRtp(2000);
                assertThat(back).isNotNull();
                assertThat(Arrays.copyOfRange(back, 12, back.length)).isEqualTo(opus(100 + i));
            }
            assertThat(s.packetsIn()).isEqualTo(50);
            assertThat(s.packetsOut()).isEqualTo(20);
        }
        endpoint.close();
        endpoint = null;
        assertThat(LeakRecorder.leaks()).isEmpty();
    }

    /** Writes of one turn of the event loop leave with one flush (sendmmsg): all of them, in order, none kept back. */
    @Test
    void packetsSentInOneTurnOfTheLoopAllLeaveInOrder() throws Exception {
        start(Duration.ofSeconds(30));
        try (LightPeer peer = new LightPeer(LOOPBACK)) {
            PeerSession s = connect(peer);
            int n = 40;
            endpoint.execute(() -> {
                for (int i = 0; i < n; i++) {
                    endpoint.send(s, Unpooled.directBuffer().writeByte(0x80).writeByte(111).writeShort(i).writeInt(960 * i)
                            .writeInt(0x7E1A7).writeBytes(opus(200 + i)));
                }
            });
            for (int i = 0; i < n; i++) {
                byte[] back = peer.receiveRtp(2000);
                assertThat(back).as("packet %d of %d", i, n).isNotNull();
                assertThat(Arrays.copyOfRange(back, 12, back.length)).isEqualTo(opus(200 + i));
            }
            assertThat(s.packetsOut()).isEqualTo(n);
        }
        endpoint.close();
        endpoint = null;
        assertThat(LeakRecorder.leaks()).isEmpty();
    }

    @Test
    void theRelayReportsWhatItSentAndWhatItLostInRtcp() throws Exception {
        start(Duration.ofSeconds(30));
        try (LightPeer peer = new LightPeer(LOOPBACK)) {
            PeerSession s = connect(peer);
            for (int i = 0; i < 50; i++) {
                if (i != 10 && i != 11) peer.sendOpus(0xABCDEF, 1000 + i, 960L * i, opus(i), 30); // two lost
            }
            for (int i = 0; i < 10; i++) {
                endpoint.send(s, Unpooled.buffer().writeByte(0x80).writeByte(111).writeShort(i).writeInt(960 * i)
                        .writeInt(0x7E1A7).writeBytes(opus(i)));
                assertThat(peer.receiveRtp(2000)).isNotNull();
            }
            byte[] rtcp = peer.receiveRtcp(3000);
            assertThat(rtcp).as("an RTCP report within a few seconds").isNotNull();
            ByteBuf b = Unpooled.wrappedBuffer(rtcp);
            assertThat((int) b.getUnsignedByte(1)).as("an SR: the relay sent media").isEqualTo(200);
            assertThat(b.getInt(4)).isEqualTo(0x7E1A7);
            assertThat(b.getInt(20)).as("sender's packet count").isEqualTo(10);
            assertThat(b.getUnsignedByte(0) & 0x1f).as("one report block").isEqualTo(1);
            int block = 28;
            assertThat(b.getInt(block)).isEqualTo(0xABCDEF);
            assertThat(b.getMedium(block + 5)).as("cumulative lost").isEqualTo(2);
            assertThat(b.getInt(block + 8)).as("extended highest sequence").isEqualTo(1049);
            int sdes = 4 * (b.getUnsignedShort(2) + 1);
            assertThat((int) b.getUnsignedByte(sdes + 1)).as("SDES follows").isEqualTo(202);
            assertThat(b.toString(sdes + 10, b.getUnsignedByte(sdes + 9), StandardCharsets.US_ASCII)).isEqualTo("inward-portal");
        }
    }

    @Test
    void badInputIsCountedAndDroppedAndOtherSessionsCarryOn() throws Exception {
        start(Duration.ofSeconds(30));
        try (LightPeer good = new LightPeer(LOOPBACK); LightPeer victim = new LightPeer(LOOPBACK);
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            PeerSession gs = connect(good);
            PeerSession vs = connect(victim);
            InetSocketAddress relay = new InetSocketAddress(LOOPBACK, endpoint.port());
            Random r = new Random(5);
            // Random bytes in every RFC 7983 range and outside them.
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + r.nextInt(400)];
                r.nextBytes(junk);
                attacker.send(new DatagramPacket(junk, junk.length, relay));
            }
            attacker.send(new DatagramPacket(new byte[2000], 2000, relay));
            // A binding request with the wrong password, one with an unknown ufrag, a truncated one.
            ByteBuf bad = Unpooled.buffer();
            Mac wrong = Mac.getInstance("HmacSHA1");
            wrong.init(new SecretKeySpec("not-the-password-at-all".getBytes(), "HmacSHA1"));
            StunWriter.bindingRequest(bad, new byte[12], gs.id() + ":x", wrong, true, 1, 1, new CRC32(), new byte[20]);
            send(attacker, bad, relay);
            ByteBuf unknown = Unpooled.buffer();
            StunWriter.bindingRequest(unknown, new byte[12], "nosuchufrag:x", wrong, true, 1, 1, new CRC32(), new byte[20]);
            send(attacker, unknown, relay);
            send(attacker, unknown.copy(0, 24), relay);
            // DTLS and SRTP from an address that never passed a connectivity check.
            attacker.send(new DatagramPacket(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0}, 5, relay));
            attacker.send(new DatagramPacket(new byte[] {(byte) 0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, 26, relay));
            // Replayed and forged SRTP from the victim's own (valid) address.
            byte[] sent = victim.sendOpus(0x11, 1, 960, opus(1), 10);
            victim.sendRaw(sent, relay);
            byte[] forged = sent.clone();
            forged[3] ^= 0x40; // a sequence number not seen yet, so it is not a replay, but the tag no longer verifies
            victim.sendRaw(forged, relay);
            byte[] wrongSsrc = victim.sendOpus(0x11, 2, 1920, opus(2), 10).clone();
            wrongSsrc[11] ^= 0x01; // another SSRC: the header is authenticated, so this cannot verify
            wrongSsrc[3] ^= 0x20;  // and a fresh sequence number, so it is not caught as a replay first
            victim.sendRaw(wrongSsrc, relay);
            // DTLS garbage from a peer that passed its checks: dropped at the door, the session unharmed.
            victim.sendRaw(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, (byte) 0xff, 1, 2}, relay);
            victim.sendRaw(new byte[] {99, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, relay);

            await(() -> endpoint.dropped(DropReason.SRTP_AUTH_FAILED) >= 2 && endpoint.dropped(DropReason.SRTP_REPLAYED) >= 1
                    && endpoint.dropped(DropReason.DTLS_MALFORMED) >= 1, Duration.ofSeconds(5));
            assertThat(endpoint.dropped(DropReason.STUN_BAD_INTEGRITY)).isEqualTo(1);
            assertThat(endpoint.dropped(DropReason.STUN_UNKNOWN_UFRAG)).isEqualTo(1);
            assertThat(endpoint.dropped(DropReason.STUN_MALFORMED)).isGreaterThanOrEqualTo(1);
            assertThat(endpoint.dropped(DropReason.UNKNOWN_PEER)).isGreaterThanOrEqualTo(2);
            assertThat(endpoint.dropped(DropReason.OVERSIZED)).isEqualTo(1);
            assertThat(endpoint.dropped(DropReason.GARBAGE)).isGreaterThan(0);

            got.clear();
            for (int i = 0; i < 10; i++) good.sendOpus(0x22, 10 + i, 960L * i, opus(i), 5);
            for (int i = 0; i < 10; i++) victim.sendOpus(0x11, 10 + i, 960L * i, opus(i), 5);
            await(() -> got.size() == 20, Duration.ofSeconds(5));
            assertThat(got.stream().filter(g -> g.session().equals(gs.id()))).hasSize(10);
            assertThat(got.stream().filter(g -> g.session().equals(vs.id()))).hasSize(10);
            assertThat(gs.state()).isEqualTo(PeerSession.State.CONNECTED);
            assertThat(vs.state()).isEqualTo(PeerSession.State.CONNECTED);
        }
    }

    @Test
    void aSilentPeerLosesConsentAndItsSessionIsFreed() throws Exception {
        start(Duration.ofSeconds(2));
        try (LightPeer peer = new LightPeer(LOOPBACK)) {
            PeerSession s = connect(peer);
            PeerSession never = endpoint.accept(new LightPeer(LOOPBACK).offer(), Map.of(), false, sink);
            assertThat(endpoint.sessionCount()).isEqualTo(2);
            // the close listener runs just after the state turns CLOSED: wait for both
            await(() -> s.state() == PeerSession.State.CLOSED && never.state() == PeerSession.State.CLOSED && closed.size() == 2,
                    Duration.ofSeconds(6));
            assertThat(s.closeReason()).contains("consent expired");
            assertThat(never.closeReason()).contains("no ICE connectivity check");
            assertThat(endpoint.sessionCount()).isZero();
            assertThat(closed).hasSize(2);
            got.clear();
            peer.sendOpus(1, 1, 1, opus(1), 1);
            Thread.sleep(200);
            assertThat(got).as("a closed session's media goes nowhere").isEmpty();
            assertThat(endpoint.dropped(DropReason.UNKNOWN_PEER)).isEqualTo(1);
        }
        endpoint.close();
        endpoint = null;
        assertThat(LeakRecorder.leaks()).isEmpty();
    }

    private String counters() {
        StringBuilder sb = new StringBuilder("dropped:");
        for (DropReason r : DropReason.values()) if (endpoint.dropped(r) > 0) sb.append(' ').append(r).append('=').append(endpoint.dropped(r));
        return sb.toString();
    }

    private static void send(DatagramSocket s, ByteBuf b, InetSocketAddress to) throws Exception {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        s.send(new DatagramPacket(bytes, bytes.length, to));
    }
}
