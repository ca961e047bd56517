package org.inwardportal.bench.load;

import java.lang.management.ManagementFactory;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;

/**
 * The codec-only stand-in, now a secondary line beside the real baseline ({@link LibWebRtcBaseline}),
 * measured in the same run on the same frames: what a
 * relay built on webrtc-java/libwebrtc must at least do, since libwebrtc hands out PCM only — per
 * frame and leg one libopus decode and one encode (the relay's own FFM libopus; shard leg: mono
 * in, stereo 64 kbit/s out toward Discord; member legs: stereo in, mono 32 kbit/s out toward the
 * shard), timed as this thread's CPU. It leaves out what libwebrtc adds around the codec (NetEq's
 * jitter buffer and time stretching, resampling, its threads), so the real baseline costs more and
 * our ratio against it is pessimistic.
 */
final class TranscodingBaseline {
    /** CPU microseconds per 20 ms frame for one leg of each kind. */
    record Cost(double shardLegMicros, double memberLegMicros) {
        /** A binding's transcoding work, in cores: 50 frames/s on the shard leg and on each member's. */
        double coresPerBinding(int members) {
            return 50 * (shardLegMicros + members * memberLegMicros) / 1e6;
        }
    }

    static Cost measure(OpusClips clips, long nanosPerKind) {
        return new Cost(leg(clips, 0, nanosPerKind), leg(clips, 1, nanosPerKind));
    }

    private static double leg(OpusClips clips, int source, long nanos) {
        int in = OpusClips.channelsOf(source), out = source == 0 ? 2 : 1;
        var bean = ManagementFactory.getThreadMXBean();
        short[] pcm = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL * 2];
        short[] converted = new short[OpusClips.FRAME * 2];
        byte[] packet = new byte[1275];
        try (OpusDecoder dec = new OpusDecoder(in); OpusEncoder enc = new OpusEncoder(out, true, out == 2 ? 64_000 : 32_000, 0)) {
            for (int i = 0; i < 50; i++) transcode(clips.frame(source, i), dec, enc, in, out, pcm, converted, packet); // warm up
            long frames = 0, cpu0 = bean.getCurrentThreadCpuTime(), end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) {
                transcode(clips.frame(source, (int) (frames % OpusClips.CYCLE)), dec, enc, in, out, pcm, converted, packet);
                frames++;
            }
            return (bean.getCurrentThreadCpuTime() - cpu0) / 1e3 / frames;
        }
    }

    private static void transcode(byte[] frame, OpusDecoder dec, OpusEncoder enc, int in, int out, short[] pcm, short[] converted, byte[] packet) {
        int samples = dec.decode(frame, frame.length, pcm);
        for (int s = 0; s < samples; s++) {
            if (in == out) {
                for (int c = 0; c < out; c++) converted[s * out + c] = pcm[s * in + c];
            } else if (out == 2) {
                converted[2 * s] = converted[2 * s + 1] = pcm[s];
            } else {
                converted[s] = (short) ((pcm[2 * s] + pcm[2 * s + 1]) / 2);
            }
        }
        if (enc.encode(converted, samples, packet) <= 0) throw new IllegalStateException("empty encode");
    }
}
