package org.inwardportal.relay.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.inwardportal.relay.srtp.SrtpTransformer.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpTransformerTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void keyDerivationMatchesRfc3711AppendixB3() {
        byte[] key = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
        byte[] salt = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
        assertThat(HEX.formatHex(SrtpKeyDerivation.derive(key, salt, 0, 16))).isEqualTo("c61e7a93744f39ee10734afe3ff7a087");
        assertThat(HEX.formatHex(SrtpKeyDerivation.derive(key, salt, 2, 14))).isEqualTo("30cbbc08863d8c85d49db34a9ae1");
        assertThat(HEX.formatHex(SrtpKeyDerivation.derive(key, salt, 1, 20))).isEqualTo("cebe321f6ff7716b6fd4ab49af256a156d38baa4");
    }

    static SrtpKeys keys(SrtpProfile p, long seed) {
        Random r = new Random(seed);
        byte[] k = new byte[p.keyBytes];
        byte[] s = new byte[p.saltBytes];
        r.nextBytes(k);
        r.nextBytes(s);
        return SrtpKeys.derive(p, k, s);
    }

    static ByteBuf rtp(int seq, int ssrc, byte[] payload, boolean extension) {
        ByteBuf b = Unpooled.buffer(1500);
        b.writeByte(extension ? 0x90 : 0x80).writeByte(111).writeShort(seq).writeInt(seq * 960).writeInt(ssrc);
        if (extension) b.writeShort(0xBEDE).writeShort(1).writeByte(0x10).writeByte(0x7f).writeShort(0);
        b.writeBytes(payload);
        return b;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripTamperReplayAndRollover(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 7);
        SrtpTransformer tx = new SrtpTransformer(k);
        SrtpTransformer rx = new SrtpTransformer(k);
        byte[] payload = new byte[120];
        new Random(3).nextBytes(payload);
        // Sequence numbers across the 16-bit wrap: the rollover counter must follow on both sides.
        for (int i = 0; i < 20; i++) {
            int seq = (65530 + i) & 0xffff;
            ByteBuf p = rtp(seq, 0x1234, payload, i % 2 == 0);
            ByteBuf plain = p.copy();
            assertThat(tx.protectRtp(p)).isEqualTo(Result.OK);
            assertThat(p.readableBytes()).isEqualTo(plain.readableBytes() + profile.tagBytes);
            assertThat(p.slice(p.readableBytes() - profile.tagBytes - 120, 120)).isNotEqualTo(plain.slice(plain.readableBytes() - 120, 120));
            ByteBuf replay = p.copy();
            assertThat(rx.unprotectRtp(p)).isEqualTo(Result.OK);
            assertThat(p).isEqualTo(plain);
            assertThat(rx.unprotectRtp(replay)).as("replayed").isEqualTo(Result.REPLAYED);
        }
        ByteBuf forged = rtp(20, 0x1234, payload, false);
        assertThat(tx.protectRtp(forged)).isEqualTo(Result.OK);
        forged.setByte(30, forged.getByte(30) ^ 1);
        assertThat(rx.unprotectRtp(forged)).isEqualTo(Result.AUTH_FAILED);
        ByteBuf wrongKey = rtp(21, 0x1234, payload, false);
        new SrtpTransformer(keys(profile, 8)).protectRtp(wrongKey);
        assertThat(rx.unprotectRtp(wrongKey)).isEqualTo(Result.AUTH_FAILED);
        assertThat(rx.unprotectRtp(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 1}))).isEqualTo(Result.MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void lateButUnseenPacketsInsideTheWindowAreAccepted(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 9);
        SrtpTransformer tx = new SrtpTransformer(k);
        SrtpTransformer rx = new SrtpTransformer(k);
        ByteBuf[] packets = new ByteBuf[100];
        for (int i = 0; i < 100; i++) {
            packets[i] = rtp(i, 99, new byte[] {(byte) i}, false);
            tx.protectRtp(packets[i]);
        }
        assertThat(rx.unprotectRtp(packets[50])).isEqualTo(Result.OK);
        assertThat(rx.unprotectRtp(packets[40])).as("late, within 64").isEqualTo(Result.OK);
        assertThat(rx.unprotectRtp(packets[40].copy(0, 0))).isEqualTo(Result.MALFORMED);
        assertThat(rx.unprotectRtp(packets[99])).isEqualTo(Result.OK);
        assertThat(rx.unprotectRtp(packets[20])).as("older than the window").isEqualTo(Result.REPLAYED);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripTamperAndReplay(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 11);
        SrtpTransformer tx = new SrtpTransformer(k);
        SrtpTransformer rx = new SrtpTransformer(k);
        for (int i = 0; i < 5; i++) {
            // A receiver report with one report block.
            ByteBuf rr = Unpooled.buffer(200).writeByte(0x81).writeByte(201).writeShort(7).writeInt(0xCAFE)
                    .writeInt(0x1234).writeInt(0x00000001).writeInt(1000 + i).writeInt(3).writeInt(0).writeInt(0);
            ByteBuf plain = rr.copy();
            assertThat(tx.protectRtcp(rr)).isEqualTo(Result.OK);
            assertThat(rr.readableBytes()).isEqualTo(plain.readableBytes() + 4 + profile.tagBytes);
            ByteBuf replay = rr.copy();
            assertThat(rx.unprotectRtcp(rr)).isEqualTo(Result.OK);
            assertThat(rr).isEqualTo(plain);
            assertThat(rx.unprotectRtcp(replay)).isEqualTo(Result.REPLAYED);
        }
        ByteBuf forged = Unpooled.buffer(100).writeByte(0x80).writeByte(200).writeShort(6).writeInt(0xCAFE).writeZero(24);
        tx.protectRtcp(forged);
        forged.setByte(12, forged.getByte(12) ^ 4);
        assertThat(rx.unprotectRtcp(forged)).isEqualTo(Result.AUTH_FAILED);
    }

    @Test
    void indexEstimationFollowsRfc3711AppendixA() {
        assertThat(SrtpTransformer.estimateIndex(0x0000_fff0L, 5)).isEqualTo(0x1_0005L);
        assertThat(SrtpTransformer.estimateIndex(0x1_0005L, 0xfff0)).isEqualTo(0x0_fff0L);
        assertThat(SrtpTransformer.estimateIndex(0x1_0005L, 10)).isEqualTo(0x1_000aL);
        assertThat(SrtpTransformer.estimateIndex(0x0_0005L, 0xfff0)).isEqualTo(0x0_fff0L);
    }
}
