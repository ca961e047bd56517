package org.inwardportal.relay.opus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One source's libopus decoder, with the two ways Opus rebuilds a lost frame: packet-loss
 * concealment (RFC 6716 §4.4, extrapolated from what came before) and in-band FEC (RFC 6716 §2.1.7:
 * the next packet carries a coarse copy of the lost one). Decoder state is per source and
 * order-sensitive, so one thread uses it at a time. Buffers are native and made once: nothing is
 * allocated per frame.
 */
public final class OpusDecoder implements AutoCloseable {
    /** 120 ms at 48 kHz, the longest Opus packet. */
    public static final int MAX_SAMPLES_PER_CHANNEL = 5760;
    private static final int MAX_PACKET = 1500;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state;
    private final MemorySegment in = arena.allocate(MAX_PACKET);
    private final MemorySegment pcm;
    private final int channels;

    /** A 48 kHz decoder with 1 or 2 channels. */
    public OpusDecoder(int channels) {
        this.channels = channels;
        this.pcm = arena.allocate(ValueLayout.JAVA_SHORT, (long) MAX_SAMPLES_PER_CHANNEL * channels);
        MemorySegment error = arena.allocate(ValueLayout.JAVA_INT);
        try {
            state = (MemorySegment) LibOpus.DECODER_CREATE.invokeExact(48_000, channels, error);
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("opus_decoder_create", t);
        }
        int code = error.get(ValueLayout.JAVA_INT, 0);
        if (code != LibOpus.OK) {
            arena.close();
            throw new IllegalArgumentException("opus_decoder_create: " + LibOpus.describe(code));
        }
    }

    /** Decodes one packet into {@code out} (interleaved); returns samples per channel. */
    public int decode(byte[] packet, int length, short[] out) {
        if (length > MAX_PACKET) throw new IllegalArgumentException("packet of " + length + " bytes");
        MemorySegment.copy(packet, 0, in, ValueLayout.JAVA_BYTE, 0, length);
        return run(in, length, MAX_SAMPLES_PER_CHANNEL, 0, out);
    }

    /** Conceals {@code samples} (per channel) of lost audio from the decoder's history. */
    public int conceal(int samples, short[] out) {
        return run(MemorySegment.NULL, 0, samples, 0, out);
    }

    /**
     * Rebuilds the {@code samples} (per channel) lost just before {@code next} from the FEC data
     * {@code next} carries; where it carries none, libopus conceals instead. Decode {@code next}
     * itself afterwards as usual.
     */
    public int recover(byte[] next, int length, int samples, short[] out) {
        if (length > MAX_PACKET) throw new IllegalArgumentException("packet of " + length + " bytes");
        MemorySegment.copy(next, 0, in, ValueLayout.JAVA_BYTE, 0, length);
        return run(in, length, samples, 1, out);
    }

    /** Forgets all history, as for a new stream (a decoder handed to another source). */
    public void reset() {
        int code;
        try {
            code = (int) LibOpus.DECODER_CTL.invokeExact(state, LibOpus.RESET_STATE);
        } catch (Throwable t) {
            throw new IllegalStateException("opus_decoder_ctl", t);
        }
        if (code != LibOpus.OK) throw new IllegalStateException("OPUS_RESET_STATE: " + LibOpus.describe(code));
    }

    private int run(MemorySegment data, int length, int frameSize, int fec, short[] out) {
        int n;
        try {
            n = (int) LibOpus.DECODE.invokeExact(state, data, length, pcm, frameSize, fec);
        } catch (Throwable t) {
            throw new IllegalStateException("opus_decode", t);
        }
        if (n < 0) throw new IllegalArgumentException("opus_decode: " + LibOpus.describe(n));
        MemorySegment.copy(pcm, ValueLayout.JAVA_SHORT, 0, out, 0, n * channels);
        return n;
    }

    @Override
    public void close() {
        try {
            LibOpus.DECODER_DESTROY.invokeExact(state);
        } catch (Throwable t) {
            throw new IllegalStateException("opus_decoder_destroy", t);
        } finally {
            arena.close();
        }
    }
}
