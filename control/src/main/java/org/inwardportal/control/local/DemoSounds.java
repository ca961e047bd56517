package org.inwardportal.control.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.inwardportal.relay.opus.OpusEncoder;

/**
 * The local demo's sounds (48 kHz mono): the world's melody as PCM (the reference shard's libwebrtc
 * encodes it), and speech-like voices at pitches that tell them apart, encoded once with libopus
 * into 20 ms frames for the emulated members.
 */
final class DemoSounds {
    static final int RATE = 48_000;
    static final int FRAME = 960;

    private DemoSounds() {
    }

    /** A slow arpeggio (A minor, 300 ms notes with soft edges), {@code seconds} long. */
    static short[] melody(double seconds) {
        double[] notes = {220.0, 261.63, 329.63, 440.0, 329.63, 261.63};
        int noteSamples = RATE * 3 / 10;
        return pcm(seconds, i -> {
            int n = i / noteSamples;
            int inNote = i % noteSamples;
            double env = Math.min(1, Math.min(inNote, noteSamples - inNote) / 2400.0);
            double f = notes[n % notes.length];
            double t = (double) i / RATE;
            return 0.22 * env * (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t));
        });
    }

    /**
     * Something like a voice at {@code pitchHz}: a few harmonics whose pitch wanders, in syllables
     * of about 200 ms.
     */
    static List<byte[]> voice(double pitchHz, double seconds) {
        return encode(pcm(seconds, i -> {
            double t = (double) i / RATE;
            double syllable = Math.max(0, Math.sin(Math.PI * t / 0.2)); // 0.2 s bumps
            double f = pitchHz * (1 + 0.08 * Math.sin(2 * Math.PI * 1.3 * t));
            double phase = 2 * Math.PI * f * t;
            return 0.25 * syllable * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase));
        }));
    }

    private interface Wave {
        double at(int sample);
    }

    /** {@code seconds} of the wave, in whole 20 ms frames. */
    private static short[] pcm(double seconds, Wave wave) {
        short[] pcm = new short[(int) Math.round(seconds * RATE / FRAME) * FRAME];
        for (int i = 0; i < pcm.length; i++) pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, wave.at(i))) * 32767);
        return pcm;
    }

    private static List<byte[]> encode(short[] pcm) {
        List<byte[]> out = new ArrayList<>(pcm.length / FRAME);
        short[] frame = new short[FRAME];
        byte[] packet = new byte[1275];
        try (OpusEncoder enc = new OpusEncoder(1, true, 32_000, 0)) {
            for (int at = 0; at < pcm.length; at += FRAME) {
                System.arraycopy(pcm, at, frame, 0, FRAME);
                out.add(Arrays.copyOf(packet, enc.encode(frame, FRAME, packet)));
            }
        }
        return out;
    }
}
