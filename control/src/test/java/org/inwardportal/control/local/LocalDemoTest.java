package org.inwardportal.control.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.inwardportal.control.Portal;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.discord.standin.EmulatedMember;
import org.inwardportal.discord.standin.Heard;
import org.inwardportal.relay.testing.OpusCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode with the demo on, as scripts/run starts it: the world — the reference shard on
 * libwebrtc, in a process of its own — plays its melody to the emulated members in Discord, their
 * voices play in the world, a world process that dies is started again, none outlives the relay, and
 * a restart finds the same binding.
 */
class LocalDemoTest {
    @TempDir
    Path dir;

    private Portal start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PORTAL_DATA_DIR", dir.toString());
        env.put("PORTAL_HTTP_PORT", "0");
        env.put("PORTAL_MEDIA_PORT", "0");
        env.put("PORTAL_SIGNALING_PORT", "0");
        env.put("PORTAL_LOCAL_DEMO", "true");
        Portal p = new Portal(ConfigLoader.load(null, env));
        p.start();
        return p;
    }

    private static void await(String what, BooleanSupplier c, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + within);
            Thread.sleep(50);
        }
    }

    /**
     * Frames the members heard from the bot that decode to the melody: loud enough, and stronger at
     * its notes (220-440 Hz) than at 1 kHz, which it does not play. Read while the demo's status line
     * clears what members heard, so it counts what is there now.
     */
    private static long melodyHeardBy(List<EmulatedMember> members) {
        Set<Long> memberIds = new HashSet<>();
        for (EmulatedMember m : members) memberIds.add(m.id());
        long n = 0;
        for (EmulatedMember m : members) {
            OpusCodec decoder = new OpusCodec();
            List<short[]> pcm = new ArrayList<>();
            for (Heard h : m.heard()) {
                if (!memberIds.contains(h.fromUserId())) pcm.add(decoder.decode(h.opus()));
            }
            short[] all = OpusCodec.concat(pcm);
            double notes = 0;
            for (double hz : new double[] {220.0, 261.63, 329.63, 440.0}) notes += OpusCodec.power(all, hz);
            if (OpusCodec.rms(all) > 0.03 && notes > 10 * OpusCodec.power(all, 1000)) n += pcm.size();
        }
        return n;
    }

    @Test
    void theWorldAndTheMembersHearEachOtherThroughTheReferenceShardAndARestartKeepsTheBinding() throws Exception {
        String bindingId;
        ProcessHandle world;
        Portal p = start();
        try {
            LocalDemo demo = p.demo();
            assertThat(demo).isNotNull();
            bindingId = demo.binding().id();
            assertThat(p.bindings().store().all()).hasSize(1);
            var members = p.discord().standIn().members();
            assertThat(members).extracting(m -> m.user().name()).containsExactlyInAnyOrder("Ada", "Ben");
            SyntheticShard shard = demo.shard();
            await("a world process", () -> shard.process().isPresent(), Duration.ofSeconds(10)); // spawned by the supervisor thread
            world = shard.process().orElseThrow();
            await("the melody heard in Discord", () -> melodyHeardBy(members) > 50, Duration.ofSeconds(20));
            // the members' voices (first one after 3-7 s) play in the world's libwebrtc on their own tracks
            await("a member heard in the world", () -> demo.worldHeardMs() > 1000, Duration.ofSeconds(20));
            var pipeline = p.bindings().liveOf(bindingId).orElseThrow().pipeline();
            assertThat(pipeline.framesFromShard()).isGreaterThan(50);
            assertThat(pipeline.framesFromDiscord()).isGreaterThan(50);
            var video = p.bindings().liveOf(bindingId).orElseThrow().video();
            await("the test pattern at the relay", () -> video.received() > 30, Duration.ofSeconds(5));
            assertThat(p.daemon().health().get("local-demo").state().ready()).isTrue();
            assertThat(shard.starts()).isEqualTo(1);

            // a world process that dies (as a libwebrtc abort would end it) is started again, and plays again
            world.destroyForcibly();
            await("a new world process", () -> shard.starts() == 2 && shard.connected(), Duration.ofSeconds(20));
            long before = melodyHeardBy(members);
            await("the melody heard again", () -> melodyHeardBy(members) > before + 50, Duration.ofSeconds(15));
            world = shard.process().orElseThrow();
        } finally {
            p.stop();
        }
        ProcessHandle last = world;
        await("the world process gone with the relay", () -> !last.isAlive(), Duration.ofSeconds(5));

        Portal again = start();
        try {
            assertThat(again.demo().binding().id()).as("the same binding after a restart").isEqualTo(bindingId);
            assertThat(again.bindings().store().all()).hasSize(1);
            var members = again.discord().standIn().members();
            await("the melody heard after the restart", () -> melodyHeardBy(members) > 50, Duration.ofSeconds(20));
        } finally {
            again.stop();
        }
    }
}
