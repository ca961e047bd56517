package org.inwardportal.relay.binding;

/**
 * Sums decoded 16-bit PCM frames of the sources speaking in one tick and brings the sum back into
 * 16 bits with a limiter, never by wrapping around (a wrapped sample is a loud click).
 *
 * <p>Per tick: {@link #clear}, one {@link #add} per source, then {@link #mixInto}. The sum is kept in
 * 32-bit accumulators. The limiter's gain drops at once to what the tick's peak needs (ramped
 * linearly across the frame from the previous gain, so the change does not click) and recovers
 * towards 1 slowly (about 3 dB per 100 ms), so speech does not pump. A sample the ramp leaves above
 * full scale is saturated and counted; a tick whose peak fits and whose gain is back at 1 passes the
 * sum through exactly. Nothing is allocated after construction.
 */
final class PcmMixer {
    private static final int FULL_SCALE = Short.MAX_VALUE;
    /** The level the limiter aims the peak at, a little under full scale (−0.3 dBFS). */
    private static final float CEILING = FULL_SCALE * 0.966f;
    /** Gain recovery per 20 ms tick: +0.6 dB, i.e. 3 dB per 100 ms. */
    private static final float RELEASE = (float) Math.pow(10, 0.6 / 20);

    private static final int ATTACK_SAMPLES = 48;

    private final int[] sum;
    private final int samples;
    private int sources;
    private float gain = 1f;
    private long limitedTicks, saturatedSamples;

    /** @param samples samples per tick, all channels interleaved (960 for 20 ms mono at 48 kHz) */
    PcmMixer(int samples) {
        this.samples = samples;
        this.sum = new int[samples];
    }

    /** Starts a tick. */
    void clear() {
        java.util.Arrays.fill(sum, 0);
        sources = 0;
    }

    /** Adds one source's frame (its first {@code samples} samples). */
    void add(short[] pcm) {
        for (int i = 0; i < samples; i++) sum[i] += pcm[i];
        sources++;
    }

    /** How many sources this tick holds. */
    int sources() {
        return sources;
    }

    /** Writes the tick's mix, limited to 16 bits, into {@code out}. */
    void mixInto(short[] out) {
        int peak = 0;
        for (int i = 0; i < samples; i++) peak = Math.max(peak, Math.abs(sum[i]));
        float wanted = peak > CEILING ? CEILING / peak : 1f;
        float target = Math.min(wanted, Math.min(1f, gain * RELEASE));
        if (target == 1f && gain == 1f) {
            for (int i = 0; i < samples; i++) out[i] = saturate(sum[i]);
        } else {
            if (wanted < 1f) limitedTicks++;
            // attack within 1 ms (48 samples), release across the whole tick
            int ramp = target < gain ? Math.min(ATTACK_SAMPLES, samples) : samples;
            float step = (target - gain) / ramp;
            float g = gain;
            for (int i = 0; i < samples; i++) {
                if (i < ramp) g += step;
                else g = target;
                out[i] = saturate(Math.round(sum[i] * g));
            }
        }
        gain = target;
    }

    private short saturate(int v) {
        if (v > FULL_SCALE) {
            saturatedSamples++;
            return (short) FULL_SCALE;
        }
        if (v < -FULL_SCALE - 1) {
            saturatedSamples++;
            return Short.MIN_VALUE;
        }
        return (short) v;
    }

    /** The limiter's gain after the last tick (1 = not limiting). */
    float gain() {
        return gain;
    }

    /** Ticks in which the limiter had to pull the peak down. */
    long limitedTicks() {
        return limitedTicks;
    }

    /** Samples the gain ramp left over full scale, saturated instead of wrapped. */
    long saturatedSamples() {
        return saturatedSamples;
    }
}
