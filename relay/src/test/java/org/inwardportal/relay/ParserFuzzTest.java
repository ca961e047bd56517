package org.inwardportal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.inwardportal.relay.ice.StunException;
import org.inwardportal.relay.ice.StunMessage;
import org.inwardportal.relay.ice.StunWriter;
import org.inwardportal.relay.rtp.RtpHeader;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.sdp.SdpException;
import org.inwardportal.relay.sdp.SessionDescription;
import org.inwardportal.relay.sdp.SdpAnswererTest;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.inwardportal.relay.srtp.SrtpTransformer;
import org.inwardportal.relay.testing.Mutator;
import org.junit.jupiter.api.Test;

/**
 * Each parser on mutated input, for a bounded time: it may refuse an input only in its documented
 * way (a checked exception or a result code), never with an unexpected exception or a hang.
 */
class ParserFuzzTest {
    static final Duration BUDGET = Duration.ofSeconds(3);
    static final long SEED = Long.getLong("fuzz.seed", 20261121L);

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    @Test
    void stun() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("password-password-pw".getBytes(), "HmacSHA1"));
        CRC32 crc = new CRC32();
        byte[] scratch = new byte[20];
        List<byte[]> seeds = new ArrayList<>();
        for (boolean nominate : new boolean[] {true, false}) {
            ByteBuf req = Unpooled.buffer();
            StunWriter.bindingRequest(req, "abcdefghijkl".getBytes(), "relay:peer" + nominate, mac, nominate, 12345, 99, crc, scratch);
            seeds.add(bytes(req));
            StunMessage parsed = new StunMessage().parse(req);
            ByteBuf res = Unpooled.buffer();
            StunWriter.bindingSuccess(res, parsed, new java.net.InetSocketAddress("10.1.2.3", 4000), mac, crc, scratch);
            seeds.add(bytes(res));
            ByteBuf err = Unpooled.buffer();
            StunWriter.bindingError(err, parsed, 401, "Unauthorized", crc);
            seeds.add(bytes(err));
        }
        StunMessage m = new StunMessage();
        long n = Mutator.fuzz(seeds, BUDGET, SEED, input -> {
            ByteBuf b = Unpooled.wrappedBuffer(input);
            StunMessage.looksLikeStun(b);
            try {
                m.parse(b);
                m.localUfrag();
                m.usernameStartsWith("relay".getBytes());
                m.integrityMatches(mac, scratch);
                m.fingerprintMatches(crc);
            } catch (StunException expected) {
                // refused as documented
            }
        });
        assertThat(n).isGreaterThan(1000);
    }

    @Test
    void rtpHeader() {
        List<byte[]> seeds = List.of(
                bytes(Unpooled.buffer().writeByte(0x80).writeByte(111).writeShort(1).writeInt(960).writeInt(7).writeBytes(new byte[40])),
                bytes(Unpooled.buffer().writeByte(0x92).writeByte(0xE0).writeShort(2).writeInt(1).writeInt(8).writeInt(1).writeInt(2)
                        .writeShort(0xBEDE).writeShort(2).writeByte(0x10).writeByte(0x85).writeByte(0x22).writeShort(0x1234)
                        .writeZero(3).writeBytes(new byte[20])),
                bytes(Unpooled.buffer().writeByte(0xB0).writeByte(96).writeShort(3).writeInt(1).writeInt(9)
                        .writeShort(0x1000).writeShort(1).writeByte(1).writeByte(2).writeShort(0xabcd).writeBytes(new byte[10]).writeByte(4)));
        RtpHeader h = new RtpHeader();
        long n = Mutator.fuzz(seeds, BUDGET, SEED, input -> {
            ByteBuf b = Unpooled.wrappedBuffer(input);
            if (h.parse(b)) {
                assertThat(h.headerLength + h.payloadLength).isLessThanOrEqualTo(input.length);
                assertThat(h.payloadLength).isGreaterThanOrEqualTo(0);
                for (int id = 0; id < 16; id++) h.extensionByte(id);
            }
        });
        assertThat(n).isGreaterThan(1000);
    }

    @Test
    void srtpAndSrtcpUnprotect() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            SrtpKeys keys = SrtpKeys.derive(profile, new byte[16], new byte[profile.saltBytes]);
            SrtpTransformer tx = new SrtpTransformer(keys);
            List<byte[]> seeds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ByteBuf p = Unpooled.buffer().writeByte(0x80).writeByte(111).writeShort(i).writeInt(i * 960).writeInt(5).writeBytes(new byte[30]);
                tx.protectRtp(p);
                seeds.add(bytes(p));
                ByteBuf c = Unpooled.buffer().writeByte(0x81).writeByte(201).writeShort(7).writeInt(5).writeZero(24);
                tx.protectRtcp(c);
                seeds.add(bytes(c));
            }
            SrtpTransformer rx = new SrtpTransformer(keys);
            long n = Mutator.fuzz(seeds, BUDGET.dividedBy(2), SEED + profile.ordinal(), input -> {
                ByteBuf b = Unpooled.buffer(input.length + 64).writeBytes(input);
                int pt = input.length > 1 ? input[1] & 0x7f : 0;
                SrtpTransformer.Result r = pt >= 64 && pt <= 95 ? rx.unprotectRtcp(b) : rx.unprotectRtp(b);
                assertThat(r).isNotNull();
            });
            assertThat(n).isGreaterThan(500);
        }
    }

    @Test
    void rtcpCompoundWalk() {
        ByteBuf sample = Unpooled.buffer();
        org.inwardportal.relay.rtp.RtcpReports.write(sample, 1, null, List.of(), 0);
        List<byte[]> seeds = List.of(bytes(sample),
                bytes(org.inwardportal.relay.rtp.Rtcp.nack(Unpooled.buffer(), 1, 2, 100, 0x8001)),
                bytes(org.inwardportal.relay.rtp.Rtcp.pli(Unpooled.buffer(), 1, 2)));
        long n = Mutator.fuzz(seeds, BUDGET, SEED, input -> {
            ByteBuf b = Unpooled.wrappedBuffer(input);
            org.inwardportal.relay.rtp.Rtcp.forEach(b, (buf, at, type, fmt, length) -> {
                assertThat(at + length).isLessThanOrEqualTo(input.length);
                if (type == org.inwardportal.relay.rtp.Rtcp.RTPFB) org.inwardportal.relay.rtp.Rtcp.forEachNacked(buf, at, length, seq -> { });
            });
        });
        assertThat(n).isGreaterThan(1000);
    }

    @Test
    void dtlsRecordDemux() {
        List<byte[]> seeds = List.of(
                new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 1, 2, 3},
                new byte[] {23, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 2, 0, 1, 9, 21, (byte) 0xfe, (byte) 0xff, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0});
        long n = Mutator.fuzz(seeds, BUDGET, SEED, input -> {
            boolean ok = org.inwardportal.relay.dtls.DtlsRecords.wellFormed(Unpooled.wrappedBuffer(input));
            if (ok) assertThat(input.length).isGreaterThanOrEqualTo(13);
        });
        assertThat(n).isGreaterThan(1000);
    }

    @Test
    void sdp() {
        List<byte[]> seeds = List.of(SdpAnswererTest.CHROMIUM_OFFER.getBytes(StandardCharsets.UTF_8),
                SdpAnswererTest.FIREFOX_OFFER.getBytes(StandardCharsets.UTF_8));
        SdpAnswerer.LocalIce ice = new SdpAnswerer.LocalIce("u", "p", "sha-256 AA", List.of(new java.net.InetSocketAddress("10.0.0.1", 5)));
        long n = Mutator.fuzz(seeds, BUDGET, SEED, input -> {
            try {
                SessionDescription d = SessionDescription.parse(new String(input, StandardCharsets.UTF_8));
                SdpAnswerer.answer(d, ice, java.util.Map.of("audio", new SdpAnswerer.Track(1, "s", "t")), true, 1);
            } catch (SdpException expected) {
                // refused as documented
            }
        });
        assertThat(n).isGreaterThan(200);
    }
}
