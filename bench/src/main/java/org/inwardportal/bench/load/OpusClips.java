package org.inwardportal.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.inwardportal.relay.opus.OpusEncoder;

/**
 * Real Opus for a load run: per source a loop of {@link #CYCLE} distinct 20 ms frames (a voice-like
 * tone at a pitch of its own with a little noise), encoded once through libopus. A received payload
 * names its source and its place in the loop, so both ends of a run can match frames without any
 * marker in the audio. Source 0 is the shard (mono 32 kbit/s, as WebRTC sends voice); sources 1..M
 * are Discord members (stereo 64 kbit/s, as Discord clients send).
 */
public final class OpusClips {
    public static final int CYCLE = 50, RATE = 48_000, FRAME = 960;
    private static final int SLOTS = 4096; // open addressing: hash → source * CYCLE + index
    private final List<List<byte[]>> sources = new ArrayList<>();
    private final int[] slotHash = new int[SLOTS];
    private final int[] slotValue = new int[SLOTS];

    public OpusClips(int members) {
        Arrays.fill(slotValue, -1);
        sources.add(encode(1, 32_000, 220, 1));
        for (int m = 0; m < members; m++) sources.add(encode(2, 64_000, 140 + 45 * m, 100 + m));
        for (int s = 0; s < sources.size(); s++) {
            for (int i = 0; i < CYCLE; i++) {
                byte[] p = sources.get(s).get(i);
                if (find(p, 0, p.length) >= 0) throw new IllegalStateException("two frames of the clips are identical; cannot tell them apart");
                put(hash(p, 0, p.length), s * CYCLE + i);
            }
        }
    }

    public static int channelsOf(int source) {
        return source == 0 ? 1 : 2;
    }

    public int sources() {
        return sources.size();
    }

    public byte[] frame(int source, int index) {
        return sources.get(source).get(index % CYCLE);
    }

    /** {@code source * CYCLE + index} of a payload, or -1 if it is none of the clips' frames (bytes compared). */
    public int find(byte[] b, int off, int len) {
        int h = hash(b, off, len);
        for (int k = 0, slot = h & (SLOTS - 1); k < SLOTS; k++, slot = (slot + 1) & (SLOTS - 1)) {
            int v = slotValue[slot];
            if (v < 0) return -1;
            if (slotHash[slot] == h) {
                byte[] p = frame(v / CYCLE, v % CYCLE);
                if (Arrays.equals(p, 0, p.length, b, off, off + len)) return v;
            }
        }
        return -1;
    }

    private void put(int h, int value) {
        int slot = h & (SLOTS - 1);
        while (slotValue[slot] >= 0) slot = (slot + 1) & (SLOTS - 1);
        slotHash[slot] = h;
        slotValue[slot] = value;
    }

    private static int hash(byte[] b, int off, int len) {
        int h = len;
        for (int i = off; i < off + len; i++) h = 31 * h + b[i];
        return h ^ (h >>> 16);
    }

    private static List<byte[]> encode(int channels, int bitrate, double pitchHz, long seed) {
        Random noise = new Random(seed);
        short[] pcm = new short[FRAME * channels];
        byte[] packet = new byte[1275];
        List<byte[]> out = new ArrayList<>(CYCLE);
        try (OpusEncoder enc = new OpusEncoder(channels, true, bitrate, 0)) {
            for (int f = 0; f < CYCLE; f++) {
                for (int s = 0; s < FRAME; s++) {
                    double t = (double) (f * FRAME + s) / RATE;
                    double freq = pitchHz * (1 + 0.08 * Math.sin(2 * Math.PI * 1.3 * t));
                    double phase = 2 * Math.PI * freq * t;
                    double v = 0.25 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase)) + 0.01 * noise.nextGaussian();
                    short q = (short) Math.round(Math.max(-1, Math.min(1, v)) * 32767);
                    for (int c = 0; c < channels; c++) pcm[s * channels + c] = q;
                }
                out.add(Arrays.copyOf(packet, enc.encode(pcm, FRAME, packet)));
            }
        }
        return out;
    }
}
