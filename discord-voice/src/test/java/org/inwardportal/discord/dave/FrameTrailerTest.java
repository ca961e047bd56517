package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The protocol frame check on crafted and random input. */
class FrameTrailerTest {
    private static final HexFormat HEX = HexFormat.of();
    private final FrameTrailer trailer = new FrameTrailer();

    private TrailerCheck check(String hex) {
        byte[] b = HEX.parseHex(hex);
        return trailer.parse(b, 0, b.length);
    }

    @Test
    void aWellFormedOpusTrailer() {
        // 3 media bytes | 8-byte tag | nonce 0x81 0x01 (=129) | size 13 | FA FA
        assertThat(check("aabbcc" + "0102030405060708" + "8101" + "0d" + "fafa")).isEqualTo(TrailerCheck.PROTOCOL_FRAME);
        assertThat(trailer.mediaLength()).isEqualTo(3);
        assertThat(trailer.truncatedNonce()).isEqualTo(129);
        assertThat(trailer.rangeCount()).isZero();
        assertThat(trailer.supplementalSize()).isEqualTo(13);
    }

    @Test
    void unencryptedRangesAreReadAndValidated() {
        // 10 media bytes, ranges (0,1) and (4,2): nonce 5, ranges 00 01 04 02, size 8+1+4+1+2 = 16
        assertThat(check("00112233445566778899" + "0000000000000000" + "05" + "00010402" + "10" + "fafa"))
                .isEqualTo(TrailerCheck.PROTOCOL_FRAME);
        assertThat(trailer.rangeCount()).isEqualTo(2);
        assertThat(trailer.rangeOffset(1)).isEqualTo(4);
        assertThat(trailer.rangeSize(1)).isEqualTo(2);
        assertThat(trailer.unencryptedBytes()).isEqualTo(3);
        assertThat(trailer.generation8()).isZero();
        // overlapping: (0,5) then (4,2)
        assertThat(check("00112233445566778899" + "0000000000000000" + "05" + "00050402" + "10" + "fafa"))
                .isEqualTo(TrailerCheck.RANGES_OUT_OF_ORDER);
        // past the media frame's end: (8,3) of 10 bytes
        assertThat(check("00112233445566778899" + "0000000000000000" + "05" + "0803" + "0e" + "fafa"))
                .isEqualTo(TrailerCheck.RANGES_OUT_OF_ORDER);
        // an offset without a size
        assertThat(check("00112233445566778899" + "0000000000000000" + "05" + "08" + "0d" + "fafa"))
                .isEqualTo(TrailerCheck.MALFORMED_RANGES);
    }

    @Test
    void eachWayOfNotBeingAProtocolFrameIsNamed() {
        assertThat(check("f8fffe")).isEqualTo(TrailerCheck.TOO_SHORT);
        assertThat(check("00".repeat(20))).isEqualTo(TrailerCheck.NO_MAGIC_MARKER);
        assertThat(check("00".repeat(20) + "0bfafa")).isEqualTo(TrailerCheck.SUPPLEMENTAL_SIZE_TOO_SMALL);
        assertThat(check("00".repeat(20) + "18fafa")).isEqualTo(TrailerCheck.SUPPLEMENTAL_SIZE_TOO_LARGE);
        // nonce bytes all with the continuation bit: runs into the size byte
        assertThat(check("00".repeat(8) + "ffff" + "0dfafa")).isEqualTo(TrailerCheck.MALFORMED_NONCE);
        // a nonce above 32 bits (2^35)
        assertThat(check("00".repeat(8) + "808080808001" + "11fafa")).isEqualTo(TrailerCheck.MALFORMED_NONCE);
        for (TrailerCheck c : TrailerCheck.values()) assertThat(c.description()).isNotBlank();
    }

    @Test
    void garbageNeverThrowsAndIsRarelyTakenForAProtocolFrame() {
        Random r = new Random(1);
        byte[] b = new byte[300];
        int protocolFrames = 0;
        for (int i = 0; i < 200_000; i++) {
            int len = r.nextInt(b.length + 1);
            r.nextBytes(b);
            if (len >= 3 && r.nextBoolean()) { // half of them end in the marker, to reach the deeper checks
                b[len - 1] = (byte) 0xFA;
                b[len - 2] = (byte) 0xFA;
                if (r.nextBoolean()) b[len - 3] = (byte) (12 + r.nextInt(Math.max(1, Math.min(len, 255) - 11)));
            }
            TrailerCheck c = trailer.parse(b, 0, len);
            assertThat(c).isNotNull();
            if (c == TrailerCheck.PROTOCOL_FRAME) {
                protocolFrames++;
                assertThat(trailer.mediaLength()).isBetween(0, len - 12);
                int end = 0;
                for (int k = 0; k < trailer.rangeCount(); k++) {
                    assertThat(trailer.rangeOffset(k)).isGreaterThanOrEqualTo(end);
                    end = trailer.rangeOffset(k) + trailer.rangeSize(k);
                    assertThat(end).isLessThanOrEqualTo(trailer.mediaLength());
                }
            }
        }
        // Random bytes ending in FA FA with a plausible size byte can pass the check (the whitepaper
        // says so); they then fail authentication. Only those do.
        assertThat(protocolFrames).isLessThan(200_000 / 4);
    }
}
