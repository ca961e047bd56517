package org.inwardportal.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Uleb128Test {

    @Test
    void encodesAsTheWhitepaperDescribesAndReadsBack() {
        long[] values = {0, 1, 0x7f, 0x80, 300, 0x3fff, 0x4000, 0xFF_FFFFL, 0x0100_0000L, 0xFFFF_FFFFL, Long.MAX_VALUE};
        int[] sizes = {1, 1, 1, 2, 2, 2, 3, 4, 4, 5, 9};
        byte[] b = new byte[10];
        Uleb128.Reader reader = new Uleb128.Reader();
        for (int i = 0; i < values.length; i++) {
            int n = Uleb128.write(values[i], b, 0);
            assertThat(n).as("size of %d", values[i]).isEqualTo(sizes[i]).isEqualTo(Uleb128.size(values[i]));
            assertThat(reader.reset(b, 0, n).next()).isEqualTo(values[i]);
            assertThat(reader.hasMore()).isFalse();
        }
        Uleb128.write(300, b, 0);
        assertThat(HexFormat.of().formatHex(b, 0, 2)).isEqualTo("ac02");
    }

    @Test
    void cutOffOrOverlongValuesAreMalformed() {
        Uleb128.Reader reader = new Uleb128.Reader();
        assertThat(reader.reset(new byte[] {(byte) 0x80}, 0, 1).next()).isEqualTo(-1);
        assertThat(reader.reset(new byte[] {(byte) 0x80, (byte) 0x80}, 0, 1).next()).as("range end cuts it").isEqualTo(-1);
        byte[] ten = new byte[10];
        java.util.Arrays.fill(ten, (byte) 0x80);
        ten[9] = 1;
        assertThat(reader.reset(ten, 0, 10).next()).as("ten bytes").isEqualTo(-1);
        assertThat(reader.reset(new byte[0], 0, 0).next()).isEqualTo(-1);
    }
}
