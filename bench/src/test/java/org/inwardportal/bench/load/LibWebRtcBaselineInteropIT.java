package org.inwardportal.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load harness's libwebrtc baseline at its smallest (2 bindings × 2 members, 3 s measured),
 * launched as the harness launches it: it really moved audio both ways through libwebrtc — the
 * shards' voice decoded by the relay's peers and encoded toward Discord, the members' frames
 * decoded and pushed, and what libwebrtc encoded from them heard, not silent, at the shards — and
 * its cost reaches the report. Needs root (a private network namespace; scripts/test runs the
 * interop tests only then). No figure of speed is asserted.
 */
class LibWebRtcBaselineInteropIT {
    @Test
    void twoBindingsMoveAudioThroughLibwebrtcAndTheirCostIsReported() throws Exception {
        assumeTrue(org.inwardportal.relay.peer.LibWebRtcJvm.isRoot(), "the libwebrtc baseline needs root for its network namespace: skipped");
        JsonNode m = LibWebRtcBaseline.run(2, 2, 3, 1);
        assertThat(m.has("skipped") || m.has("failed")).as(m.toString()).isFalse();
        assertThat(m.path("bindingsConnected").asInt()).isEqualTo(2);

        JsonNode w = m.path("window");
        assertThat(w.path("chunksFromShardsDecoded").asLong()).as("10 ms chunks libwebrtc decoded from the shards").isPositive();
        assertThat(w.path("shardRms").asDouble()).as("the shards' voice, not silence, came out of libwebrtc").isGreaterThan(0.01);
        assertThat(w.path("framesToDiscordEncoded").asLong()).as("frames encoded toward Discord").isPositive();
        assertThat(w.path("memberFramesDecoded").asLong()).as("members' frames decoded").isPositive();
        assertThat(w.path("chunksToShardsPushed").asLong()).as("members' audio pushed into libwebrtc").isPositive();
        JsonNode shards = m.path("atShards");
        assertThat(shards.path("chunksReceivedSinceStart").asLong()).as("what libwebrtc encoded reached the shards").isPositive();
        assertThat(shards.path("rmsSinceStart").asDouble()).as("and is the members' voice, not silence").isGreaterThan(0.01);

        assertThat(m.path("libwebrtcThreadsPercentOfCore").asDouble()).as("libwebrtc's own threads are counted").isPositive();
        assertThat(m.path("discordCodecThreadsPercentOfCore").asDouble()).isPositive();
        double base = m.path("perBindingPercentOfCore").asDouble();
        assertThat(base).isPositive();
        assertThat(m.path("cpuPercentOfCoreByThreadKind").size()).isGreaterThan(2);

        JsonNode b = LoadRun.libwebrtcBaseline(m, 2.0, 1.0);
        assertThat(b.path("ratioRelayThreads").asDouble()).isCloseTo(LoadRun.round(2.0 / base), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(b.path("ratioRelayThreadsToBaselinePlusDiscordSide").asDouble()).isLessThan(b.path("ratioRelayThreads").asDouble());
        assertThat(b.path("delivered").asDouble()).as("share of the asked-for audio the baseline moved").isPositive();
        JsonNode run = LoadRun.JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("transcodingBaseline", b);
        assertThat(LoadReport.csv(List.of(run))).contains(b.path("ratioRelayThreads").asText());
    }
}
