package org.inwardportal.relay.opus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.inwardportal.relay.testing.OpusCodec;
import org.junit.jupiter.api.Test;

class OpusCodecTest {
    private static final int FRAME = 960;

    private static short[] tone(double hz, int frame) {
        return OpusCodec.tone(hz, (long) frame * FRAME, FRAME, 0.5);
    }

    @Test
    void a_tone_survives_encode_and_decode() {
        try (OpusEncoder encoder = new OpusEncoder(1, false, 64_000, 0); OpusDecoder decoder = new OpusDecoder(1)) {
            byte[] packet = new byte[1500];
            short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
            short[] last = null;
            for (int f = 0; f < 20; f++) {
                int len = encoder.encode(tone(440, f), FRAME, packet);
                assertThat(len).isBetween(10, 1275);
                assertThat(decoder.decode(packet, len, pcm)).isEqualTo(FRAME);
                last = Arrays.copyOf(pcm, FRAME);
            }
            assertThat(OpusCodec.frequency(last, 48_000)).isBetween(400.0, 480.0);
            assertThat(OpusCodec.rms(last)).isBetween(0.25, 0.45);
        }
    }

    @Test
    void the_relays_decoder_reads_what_libopus_through_opus_java_encodes() {
        OpusCodec reference = new OpusCodec(); // stereo, JNA: an independent path to the library
        try (OpusDecoder decoder = new OpusDecoder(2)) {
            short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL * 2];
            short[] left = new short[FRAME];
            for (int f = 0; f < 20; f++) {
                byte[] packet = reference.encode(tone(660, f));
                assertThat(decoder.decode(packet, packet.length, pcm)).isEqualTo(FRAME);
                for (int i = 0; i < FRAME; i++) left[i] = pcm[2 * i];
            }
            assertThat(OpusCodec.frequency(left, 48_000)).isBetween(620.0, 700.0);
        }
    }

    @Test
    void concealment_continues_the_voice_and_fades() {
        try (OpusEncoder encoder = new OpusEncoder(1, true, 32_000, 0); OpusDecoder decoder = new OpusDecoder(1)) {
            byte[] packet = new byte[1500];
            short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
            for (int f = 0; f < 25; f++) decoder.decode(packet, encoder.encode(tone(300, f), FRAME, packet), pcm);
            assertThat(decoder.conceal(FRAME, pcm)).isEqualTo(FRAME);
            double first = OpusCodec.rms(Arrays.copyOf(pcm, FRAME));
            assertThat(first).as("the first concealed frame sounds like the voice").isGreaterThan(0.05);
            double later = first;
            for (int k = 0; k < 10; k++) {
                decoder.conceal(FRAME, pcm);
                later = OpusCodec.rms(Arrays.copyOf(pcm, FRAME));
            }
            assertThat(later).as("a long loss fades out").isLessThan(first);
        }
    }

    @Test
    void fec_rebuilds_a_lost_frame_closer_than_concealment() {
        // the lost frame changes pitch, which concealment cannot guess and FEC carries
        int lost = 24;
        short[][] frames = new short[30][];
        for (int f = 0; f < 30; f++) frames[f] = tone(f < lost ? 300 : 700, f);
        byte[][] packets = new byte[30][];
        try (OpusEncoder encoder = new OpusEncoder(1, true, 32_000, 20)) {
            byte[] buf = new byte[1500];
            for (int f = 0; f < 30; f++) packets[f] = Arrays.copyOf(buf, encoder.encode(frames[f], FRAME, buf));
        }

        short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
        double concealedFreq;
        double recoveredFreq;
        try (OpusDecoder decoder = new OpusDecoder(1)) {
            for (int f = 0; f < lost; f++) decoder.decode(packets[f], packets[f].length, pcm);
            decoder.conceal(FRAME, pcm);
            concealedFreq = OpusCodec.frequency(Arrays.copyOf(pcm, FRAME), 48_000);
        }
        try (OpusDecoder decoder = new OpusDecoder(1)) {
            for (int f = 0; f < lost; f++) decoder.decode(packets[f], packets[f].length, pcm);
            assertThat(decoder.recover(packets[lost + 1], packets[lost + 1].length, FRAME, pcm)).isEqualTo(FRAME);
            recoveredFreq = OpusCodec.frequency(Arrays.copyOf(pcm, FRAME), 48_000);
        }
        // concealment extends the old pitch; FEC brings the new one (coarsely: the frame starts mid-transition)
        assertThat(concealedFreq).isBetween(250.0, 350.0);
        assertThat(recoveredFreq).isGreaterThan(concealedFreq + 150);

        // the same stream without FEC: recover() has nothing to rebuild from and conceals (were it to
        // decode the next packet plainly, this would be the new pitch)
        try (OpusEncoder plain = new OpusEncoder(1, true, 32_000, 0); OpusDecoder decoder = new OpusDecoder(1)) {
            byte[] buf = new byte[1500];
            for (int f = 0; f < 30; f++) packets[f] = Arrays.copyOf(buf, plain.encode(frames[f], FRAME, buf));
            for (int f = 0; f < lost; f++) decoder.decode(packets[f], packets[f].length, pcm);
            decoder.recover(packets[lost + 1], packets[lost + 1].length, FRAME, pcm);
            assertThat(OpusCodec.frequency(Arrays.copyOf(pcm, FRAME), 48_000)).isBetween(250.0, 350.0);
        }
    }

    @Test
    void garbage_gets_a_clear_error_and_the_decoder_goes_on() {
        try (OpusEncoder encoder = new OpusEncoder(1, false, 64_000, 0); OpusDecoder decoder = new OpusDecoder(1)) {
            short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL];
            byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}; // code 3, count 63: far over 120 ms
            assertThatThrownBy(() -> decoder.decode(garbage, garbage.length, pcm))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opus_decode");
            assertThatThrownBy(() -> decoder.decode(new byte[2000], 2000, pcm)).isInstanceOf(IllegalArgumentException.class);
            byte[] packet = new byte[1500];
            assertThat(decoder.decode(packet, encoder.encode(tone(440, 0), FRAME, packet), pcm)).isEqualTo(FRAME);
        }
        assertThatThrownBy(() -> new OpusDecoder(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opus_decoder_create");
    }

    @Test
    void the_test_tone_meters_read_through_gaps_and_still_tell_tones_apart() {
        short[] gapped = OpusCodec.tone(440, 0, 48_000, 0.5);
        for (int at = 0; at + 3100 < gapped.length; at += 7717) Arrays.fill(gapped, at, at + 3100, (short) 0); // 40 % silence
        // all crossings over the whole second read 0.6 x 440; the sounding windows read the tone
        assertThat(OpusCodec.frequency(gapped, 48_000)).isLessThan(300.0);
        assertThat(OpusCodec.toneFrequency(gapped, 48_000)).isBetween(438.0, 442.0);
        assertThat(OpusCodec.level(gapped, 48_000)).isBetween(0.33, 0.37);
        assertThat(OpusCodec.rms(gapped)).isLessThan(0.3);
        assertThat(OpusCodec.toneFrequency(OpusCodec.tone(660, 0, 48_000, 0.5), 48_000)).isBetween(658.0, 662.0);
        assertThat(OpusCodec.toneFrequency(OpusCodec.tone(427, 0, 48_000, 0.5), 48_000)).isBetween(425.0, 429.0);
        assertThat(OpusCodec.toneFrequency(new short[48_000], 48_000)).isZero();
        assertThat(OpusCodec.level(new short[48_000], 48_000)).isZero();
    }
}
