package org.inwardportal.relay.testing;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import tomp2p.opuswrapper.Opus;

/** libopus (through opus-java) for tests: encodes 20 ms stereo frames, decodes frames to PCM. */
public final class OpusCodec {
    public static final int RATE = 48_000;
    public static final int FRAME = 960;

    static {
        try {
            OpusLibrary.loadFromJar();
        } catch (Exception e) {
            throw new IllegalStateException("cannot load libopus", e);
        }
    }

    private final PointerByReference encoder = Opus.INSTANCE.opus_encoder_create(RATE, 2, Opus.OPUS_APPLICATION_AUDIO, IntBuffer.allocate(1));
    private final PointerByReference decoder = Opus.INSTANCE.opus_decoder_create(RATE, 2, IntBuffer.allocate(1));

    /** One 20 ms frame from 960 mono samples (duplicated to both channels). */
    public byte[] encode(short[] mono960) {
        ShortBuffer pcm = ShortBuffer.allocate(FRAME * 2);
        for (short s : mono960) pcm.put(s).put(s);
        pcm.flip();
        ByteBuffer out = ByteBuffer.allocate(4000);
        int n = Opus.INSTANCE.opus_encode(encoder, pcm, FRAME, out, out.capacity());
        if (n < 0) throw new IllegalStateException("opus_encode failed: " + n);
        byte[] frame = new byte[n];
        out.get(frame);
        return frame;
    }

    /** Decodes one frame; returns the left channel. */
    public short[] decode(byte[] frame) {
        ShortBuffer pcm = ShortBuffer.allocate(FRAME * 2 * 6);
        int n = Opus.INSTANCE.opus_decode(decoder, frame, frame.length, pcm, FRAME * 6, 0);
        if (n < 0) throw new IllegalStateException("opus_decode failed: " + n);
        short[] left = new short[n];
        for (int i = 0; i < n; i++) left[i] = pcm.get(2 * i);
        return left;
    }

    /** A sine of {@code hz} as consecutive mono samples starting at sample {@code from}. */
    public static short[] tone(double hz, long from, int count, double amplitude) {
        short[] s = new short[count];
        for (int i = 0; i < count; i++) s[i] = (short) (amplitude * 32767 * Math.sin(2 * Math.PI * hz * (from + i) / RATE));
        return s;
    }

    /** The dominant frequency of a signal, estimated from its zero crossings. */
    public static double frequency(short[] pcm, int rate) {
        int crossings = 0;
        for (int i = 1; i < pcm.length; i++) {
            if ((pcm[i - 1] < 0 && pcm[i] >= 0) || (pcm[i - 1] >= 0 && pcm[i] < 0)) crossings++;
        }
        return crossings / 2.0 / ((double) pcm.length / rate);
    }

    /**
     * The frequency between 100 and 2000 Hz with the most power (Goertzel): a test tone's pitch, to 1 Hz.
     * Unlike zero crossings it is not pulled down by gaps (a late pusher on a loaded machine, concealment
     * fading out), which only widen the peak; a wrong tone still reads wrong. 0 for silence.
     * First in 5 Hz steps over the loudest 0.1 s (its peak is ±10 Hz wide, so a step cannot miss it),
     * then in 1 Hz steps around that over the last second: a few million operations, whatever the length.
     */
    public static double toneFrequency(short[] pcm, int rate) {
        int block = Math.min(pcm.length, rate / 10);
        int loudestAt = 0;
        double loudest = -1;
        for (int at = 0; block > 0 && at + block <= pcm.length; at += block) {
            double level = rms(pcm, at, block);
            if (level > loudest) {
                loudest = level;
                loudestAt = at;
            }
        }
        if (loudest <= 0) return 0;
        short[] excerpt = Arrays.copyOfRange(pcm, loudestAt, loudestAt + block);
        int coarse = strongest(excerpt, rate, 100, 2000, 5);
        short[] last = Arrays.copyOfRange(pcm, Math.max(0, pcm.length - rate), pcm.length);
        return strongest(rms(last) > 0 ? last : excerpt, rate, Math.max(100, coarse - 6), Math.min(2000, coarse + 6), 1);
    }

    private static int strongest(short[] pcm, int rate, int fromHz, int toHz, int stepHz) {
        int best = fromHz;
        double bestPower = -1;
        for (int hz = fromHz; hz <= toHz; hz += stepHz) {
            double p = power(pcm, hz, rate);
            if (p > bestPower) {
                bestPower = p;
                best = hz;
            }
        }
        return best;
    }

    /**
     * RMS level (0..1) of the louder half of a signal's 10 ms windows: what a listener hears of audio
     * that plays, not counting gaps of the test's own making. 0 for silence.
     */
    public static double level(short[] pcm, int rate) {
        int window = Math.min(rate / 100, pcm.length);
        int windows = window == 0 ? 0 : pcm.length / window;
        if (windows == 0) return 0;
        double[] levels = new double[windows];
        for (int w = 0; w < windows; w++) levels[w] = rms(pcm, w * window, window);
        Arrays.sort(levels);
        double sum = 0;
        for (int w = windows / 2; w < windows; w++) sum += levels[w] * levels[w];
        return Math.sqrt(sum / (windows - windows / 2));
    }

    private static double rms(short[] pcm, int from, int count) {
        double sum = 0;
        for (int i = from; i < from + count; i++) sum += (double) pcm[i] * pcm[i];
        return Math.sqrt(sum / Math.max(1, count)) / 32768.0;
    }

    /** Power of {@code hz} in a signal (Goertzel), normalised by its length. */
    public static double power(short[] pcm, double hz) {
        return power(pcm, hz, RATE);
    }

    private static double power(short[] pcm, double hz, int rate) {
        double k = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (short x : pcm) {
            double s0 = x + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1 + s2 * s2 - k * s1 * s2) / pcm.length / pcm.length;
    }

    /** RMS level (0..1) of a signal. */
    public static double rms(short[] pcm) {
        return rms(pcm, 0, pcm.length);
    }

    /** Samples in a track recorded in chunks (summed over a copy: the recorder may be adding to it). */
    public static long samples(java.util.List<short[]> track) {
        long n = 0;
        for (short[] p : java.util.List.copyOf(track)) n += p.length;
        return n;
    }

    public static short[] concat(java.util.List<short[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        short[] out = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static short[] tail(short[] pcm, int skip) {
        return Arrays.copyOfRange(pcm, Math.min(skip, pcm.length), pcm.length);
    }
}
