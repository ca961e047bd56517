package org.inwardportal.relay.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.inwardportal.relay.binding.JitterBuffer.Take;
import org.junit.jupiter.api.Test;

class JitterBufferTest {
    private static final long TICK = 20_000_000L; // 20 ms in nanoseconds
    private final byte[] out = new byte[OpusRing.MAX_FRAME];

    private static JitterBuffer buffer() {
        return new JitterBuffer(16, 8, 3, 960, 48_000);
    }

    /** Frame n carries its number in its first two bytes and is n % 50 + 3 bytes long. */
    private static boolean put(JitterBuffer jb, int seq, long arrivalNanos) {
        byte[] f = new byte[seq % 50 + 3];
        f[0] = (byte) (seq >> 8);
        f[1] = (byte) seq;
        return jb.put(f, f.length, seq, 1000L + 960L * seq, arrivalNanos);
    }

    private int played() {
        return ((out[0] & 0xFF) << 8) | (out[1] & 0xFF);
    }

    @Test
    void clean_network_plays_in_order_one_frame_behind() {
        JitterBuffer jb = buffer();
        assertThat(jb.take(out)).isEqualTo(Take.EMPTY);
        for (int n = 0; n < 100; n++) {
            assertThat(put(jb, n, n * TICK)).isTrue();
            assertThat(jb.take(out)).isEqualTo(Take.FRAME);
            assertThat(played()).isEqualTo(n);
            assertThat(jb.frameLength()).isEqualTo(n % 50 + 3);
        }
        assertThat(jb.targetDepth()).isEqualTo(1);
        assertThat(jb.concealed()).isZero();
    }

    @Test
    void reordered_frames_play_in_sequence_order() {
        JitterBuffer jb = buffer();
        put(jb, 10, 0);
        assertThat(jb.take(out)).isEqualTo(Take.FRAME);
        put(jb, 12, TICK);
        put(jb, 11, TICK + 1);
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            assertThat(jb.take(out)).isEqualTo(Take.FRAME);
            order.add(played());
        }
        assertThat(order).containsExactly(11, 12);
    }

    @Test
    void a_lost_frame_is_concealed_and_its_follower_offers_fec() {
        JitterBuffer jb = buffer();
        put(jb, 0, 0);
        assertThat(jb.take(out)).isEqualTo(Take.FRAME);
        put(jb, 2, 2 * TICK); // 1 is lost
        assertThat(jb.take(out)).isEqualTo(Take.LOST);
        assertThat(jb.fecAvailable()).isTrue();
        assertThat(jb.peekFollower(out)).isEqualTo(2 % 50 + 3);
        assertThat(played()).isEqualTo(2);
        assertThat(jb.take(out)).isEqualTo(Take.FRAME);
        assertThat(played()).isEqualTo(2);
        assertThat(jb.concealed()).isEqualTo(1);
        assertThat(jb.skipped()).isEqualTo(1);
    }

    @Test
    void a_late_frame_waited_for_still_plays_and_one_behind_the_play_point_is_dropped() {
        JitterBuffer jb = buffer();
        put(jb, 0, 0);
        jb.take(out);
        // 1 is late: the buffer is empty, so the tick conceals and the play point waits for it
        assertThat(jb.take(out)).isEqualTo(Take.LOST);
        assertThat(jb.fecAvailable()).isFalse();
        assertThat(jb.peekFollower(out)).isEqualTo(-1);
        put(jb, 1, 2 * TICK);
        assertThat(jb.take(out)).isEqualTo(Take.FRAME);
        assertThat(played()).isEqualTo(1);
        assertThat(put(jb, 0, 3 * TICK)).isFalse();
        assertThat(jb.late()).isEqualTo(1);
    }

    @Test
    void duplicates_are_dropped() {
        JitterBuffer jb = buffer();
        assertThat(put(jb, 5, 0)).isTrue();
        assertThat(put(jb, 5, 1)).isFalse();
        assertThat(jb.duplicates()).isEqualTo(1);
        assertThat(jb.depth()).isEqualTo(1);
    }

    @Test
    void sequence_numbers_wrap() {
        JitterBuffer jb = buffer();
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            int seq = (65533 + k) & 0xFFFF;
            put(jb, seq, k * TICK);
            assertThat(jb.take(out)).isEqualTo(Take.FRAME);
            order.add(played());
        }
        assertThat(order).containsExactly(65533, 65534, 65535, 0, 1, 2);
        assertThat(jb.late()).isZero();
    }

    @Test
    void the_spurt_ends_after_the_concealment_limit_and_a_new_one_starts_fresh() {
        JitterBuffer jb = buffer();
        put(jb, 0, 0);
        jb.take(out);
        assertThat(jb.take(out)).isEqualTo(Take.LOST);
        assertThat(jb.take(out)).isEqualTo(Take.LOST);
        assertThat(jb.take(out)).isEqualTo(Take.LOST);
        assertThat(jb.take(out)).isEqualTo(Take.EMPTY);
        assertThat(jb.take(out)).isEqualTo(Take.EMPTY);
        // the source comes back with a new numbering
        put(jb, 40_000, 10 * TICK);
        assertThat(jb.take(out)).isEqualTo(Take.FRAME);
        assertThat(played()).isEqualTo(40_000);
        assertThat(jb.restarts()).isEqualTo(0); // not playing any more: nothing to restart
    }

    @Test
    void a_jump_in_numbering_while_playing_restarts_the_buffer() {
        JitterBuffer jb = buffer();
        put(jb, 100, 0);
        jb.take(out);
        put(jb, 30_000, TICK);
        assertThat(jb.restarts()).isEqualTo(1);
        assertThat(jb.take(out)).isEqualTo(Take.FRAME);
        assertThat(played()).isEqualTo(30_000);
    }

    @Test
    void jitter_raises_the_target_depth_and_a_burst_is_trimmed_back_to_it() {
        JitterBuffer jb = buffer();
        Random random = new Random(7);
        for (int n = 0; n < 200; n++) {
            // each frame up to 40 ms late
            put(jb, n, n * TICK + (long) (random.nextDouble() * 40_000_000L));
        }
        assertThat(jb.jitterMillis()).isBetween(5.0, 30.0);
        assertThat(jb.targetDepth()).isBetween(2, 4);

        JitterBuffer clean = buffer();
        put(clean, 0, 0);
        clean.take(out);
        // a burst: ten frames at once after a stall
        for (int n = 1; n <= 10; n++) put(clean, n, 10 * TICK);
        assertThat(clean.depth()).isLessThanOrEqualTo(clean.targetDepth() + 1);
        assertThat(clean.trimmed()).isPositive();
        assertThat(clean.take(out)).isEqualTo(Take.FRAME);
        assertThat(played()).isEqualTo(10 - clean.depth());
    }

    @Test
    void with_loss_and_jitter_every_tick_yields_audio_or_concealment_never_silence() {
        JitterBuffer jb = buffer();
        Random random = new Random(11);
        int frames = 0;
        int lost = 0;
        int sent = 0;
        // 5 % loss, up to 40 ms extra delay; arrivals are delivered at the tick they fall in
        long[] arrival = new long[1000];
        for (int n = 0; n < arrival.length; n++) {
            arrival[n] = random.nextDouble() < 0.05 ? -1 : n * TICK + (long) (random.nextDouble() * 40_000_000L);
        }
        boolean started = false;
        for (int tick = 0; tick < arrival.length + 10; tick++) {
            long now = tick * TICK;
            for (int n = 0; n < arrival.length; n++) {
                if (arrival[n] >= 0 && arrival[n] <= now && arrival[n] > now - TICK) {
                    put(jb, n, arrival[n]);
                    sent++;
                }
            }
            Take t = jb.take(out);
            if (t == Take.FRAME) {
                started = true;
                frames++;
            }
            if (!started || tick >= arrival.length) continue;
            assertThat(t).as("tick %d", tick).isIn(Take.FRAME, Take.LOST);
            if (t == Take.LOST) lost++;
        }
        assertThat(frames + jb.late() + jb.trimmed() + jb.depth()).isEqualTo(sent);
        assertThat(lost).isPositive();
        assertThat(jb.concealed()).isGreaterThanOrEqualTo(lost);
    }
}
