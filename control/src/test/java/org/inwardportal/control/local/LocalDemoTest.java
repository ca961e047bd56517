package org.inwardportal.control.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.inwardportal.control.Portal;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.discord.standin.EmulatedMember;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode with the demo on, as scripts/run starts it: the synthetic shard's melody reaches the
 * emulated members in Discord, their voices reach the shard, and a restart finds the same binding.
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

    @Test
    void theWorldAndTheMembersHearEachOtherAndARestartKeepsTheBinding() throws Exception {
        String bindingId;
        Portal p = start();
        try {
            LocalDemo demo = p.demo();
            assertThat(demo).isNotNull();
            bindingId = demo.binding().id();
            assertThat(p.bindings().store().all()).hasSize(1);
            var members = p.discord().standIn().members();
            assertThat(members).extracting(m -> m.user().name()).containsExactlyInAnyOrder("Ada", "Ben");
            await("the melody heard in Discord", () -> members.stream().mapToLong(EmulatedMember::heardCount).sum() > 50, Duration.ofSeconds(15));
            // the members' voices (first one after 3-7 s) reach the world on their own tracks
            await("a member heard in the world", () -> demo.worldFramesHeard() > 50, Duration.ofSeconds(20));
            var pipeline = p.bindings().liveOf(bindingId).orElseThrow().pipeline();
            assertThat(pipeline.framesFromShard()).isGreaterThan(50);
            assertThat(pipeline.framesFromDiscord()).isGreaterThan(50);
            var video = p.bindings().liveOf(bindingId).orElseThrow().video();
            await("the test pattern at the relay", () -> video.received() > 30, Duration.ofSeconds(5));
            assertThat(p.daemon().health().get("local-demo").state().ready()).isTrue();
        } finally {
            p.stop();
        }

        Portal again = start();
        try {
            assertThat(again.demo().binding().id()).as("the same binding after a restart").isEqualTo(bindingId);
            assertThat(again.bindings().store().all()).hasSize(1);
            var members = again.discord().standIn().members();
            await("the melody heard after the restart", () -> members.stream().mapToLong(EmulatedMember::heardCount).sum() > 50,
                    Duration.ofSeconds(15));
        } finally {
            again.stop();
        }
    }
}
