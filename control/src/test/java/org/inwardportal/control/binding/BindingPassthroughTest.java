package org.inwardportal.control.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.peer.LightPeer;
import org.junit.jupiter.api.Test;

/** A shard (light WebRTC peer) and a Discord channel (real JDA, the stand-in) joined by a binding: passthrough both ways. */
class BindingPassthroughTest {
    static final int TO_SHARD_SSRC = 0x51DE;

    static byte[] opus(String who, int n) {
        return ("\u00fc" + who + "#" + n).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void opusCrossesTheBindingUnchangedBothWays() throws Exception {
        try (BindingRig rig = new BindingRig()) {
            EmulatedMember alice = rig.member("Alice", "World");
            // Alice's timestamps follow wall time as a real client's do (a late frame moves them 2 frames on)
            BindingRig.Bound b = rig.bind("test", "World", TO_SHARD_SSRC, BindingPipeline.ToShard.PER_SPEAKER);
            List<Long> deliveredTimestamps = b.deliveredTimestamps();
            LightPeer shard = b.shard();

            // World → Discord, paced like a real shard (20 ms).
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(opus("world", i));
                shard.sendOpus(0xABC, i, 960L * i, sent.getLast(), 10);
                Thread.sleep(20);
            }
            List<Heard> heard = alice.awaitHeard(45, Duration.ofSeconds(5));
            List<byte[]> speech = heard.stream().map(Heard::opus).filter(o -> o.length != 3).toList();
            // Every frame that crossed is unchanged and in order; any missing one was counted as dropped.
            int j = 0;
            for (byte[] s : speech) {
                while (j < sent.size() && !Arrays.equals(sent.get(j), s)) j++;
                assertThat(j).as("frame altered or out of order").isLessThan(sent.size());
            }
            double dropped = rig.counter("relay.binding.dropped", "test", "to_discord");
            assertThat(speech.size() + (int) dropped).isEqualTo(40);
            assertThat(speech.size()).isGreaterThanOrEqualTo(36);

            // Discord → world.
            List<byte[]> said = new ArrayList<>();
            for (int i = 0; i < 30; i++) said.add(opus("alice", i));
            alice.speak(said).get(5, TimeUnit.SECONDS);
            int lastSeq = -1;
            long lastTs = -1;
            for (int i = 0; i < 30; i++) {
                byte[] rtp = shard.receiveRtp(2000);
                assertThat(rtp).as("frame " + i + " at the shard").isNotNull();
                assertThat(Arrays.copyOfRange(rtp, 12, rtp.length)).isEqualTo(said.get(i));
                ByteBuffer h = ByteBuffer.wrap(rtp);
                int seq = h.getShort(2) & 0xffff;
                long ts = h.getInt(4) & 0xffffffffL;
                assertThat(h.getInt(8)).isEqualTo(TO_SHARD_SSRC);
                if (lastSeq >= 0) {
                    assertThat(seq).isEqualTo((lastSeq + 1) & 0xffff);
                    // the speaker's own clock, carried over unchanged
                    long delivered = (deliveredTimestamps.get(i) - deliveredTimestamps.get(i - 1)) & 0xffffffffL;
                    assertThat((ts - lastTs) & 0xffffffffL).isEqualTo(delivered).isPositive();
                }
                lastSeq = seq;
                lastTs = ts;
            }
            var latency = rig.registry.get("relay.binding.added.latency").tag("binding", "test").tag("direction", "to_shard").timer();
            assertThat(latency.count()).isEqualTo(30);
            var toShard = latency.takeSnapshot();
            System.out.printf("binding passthrough: %d/40 world frames reached Discord; added latency to the shard"
                            + " p50 %.3f ms, max %.3f ms (30 frames, cold JIT: a first look, not a benchmark)%n",
                    speech.size(), toShard.percentileValues()[0].value(TimeUnit.MILLISECONDS), toShard.max(TimeUnit.MILLISECONDS));
        }
    }
}
