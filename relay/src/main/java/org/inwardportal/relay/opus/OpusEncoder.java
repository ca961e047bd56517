package org.inwardportal.relay.opus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A 48 kHz libopus encoder for the mixer's one encode per tick. With an expected loss above zero it
 * puts in-band FEC into every packet (RFC 6716 §2.1.7), so a receiver can rebuild a lost frame from
 * the next. Buffers are native and made once: nothing is allocated per frame.
 */
public final class OpusEncoder implements AutoCloseable {
    private static final int MAX_PACKET = 1275; // RFC 6716 §3.2.1, one frame

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state;
    private final MemorySegment pcm;
    private final MemorySegment out = arena.allocate(MAX_PACKET);
    private final int channels;

    /**
     * @param channels            1 or 2
     * @param voip                true for speech-tuned coding, false for general audio
     * @param bitrate             bits per second
     * @param expectedLossPercent 0 turns FEC off; above 0 it is on and sized for that loss
     */
    public OpusEncoder(int channels, boolean voip, int bitrate, int expectedLossPercent) {
        this.channels = channels;
        this.pcm = arena.allocate(ValueLayout.JAVA_SHORT, (long) OpusDecoder.MAX_SAMPLES_PER_CHANNEL * channels);
        MemorySegment error = arena.allocate(ValueLayout.JAVA_INT);
        try {
            state = (MemorySegment) LibOpus.ENCODER_CREATE.invokeExact(48_000, channels,
                    voip ? LibOpus.APPLICATION_VOIP : LibOpus.APPLICATION_AUDIO, error);
            int code = error.get(ValueLayout.JAVA_INT, 0);
            if (code != LibOpus.OK) throw new IllegalArgumentException("opus_encoder_create: " + LibOpus.describe(code));
            ctl(LibOpus.SET_BITRATE, bitrate);
            ctl(LibOpus.SET_INBAND_FEC, expectedLossPercent > 0 ? 1 : 0);
            ctl(LibOpus.SET_PACKET_LOSS_PERC, expectedLossPercent);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("opus_encoder_create", t);
        }
    }

    private void ctl(int request, int value) throws Throwable {
        int code = (int) LibOpus.ENCODER_CTL_INT.invokeExact(state, request, value);
        if (code != LibOpus.OK) throw new IllegalArgumentException("opus_encoder_ctl(" + request + ", " + value + "): " + LibOpus.describe(code));
    }

    /** Encodes {@code samples} per channel of interleaved PCM (960 = 20 ms) into {@code packet}; returns its length. */
    public int encode(short[] in, int samples, byte[] packet) {
        MemorySegment.copy(in, 0, pcm, ValueLayout.JAVA_SHORT, 0, samples * channels);
        int n;
        try {
            n = (int) LibOpus.ENCODE.invokeExact(state, pcm, samples, out, MAX_PACKET);
        } catch (Throwable t) {
            throw new IllegalStateException("opus_encode", t);
        }
        if (n < 0) throw new IllegalArgumentException("opus_encode: " + LibOpus.describe(n));
        MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, packet, 0, n);
        return n;
    }

    @Override
    public void close() {
        try {
            LibOpus.ENCODER_DESTROY.invokeExact(state);
        } catch (Throwable t) {
            throw new IllegalStateException("opus_encoder_destroy", t);
        } finally {
            arena.close();
        }
    }
}
