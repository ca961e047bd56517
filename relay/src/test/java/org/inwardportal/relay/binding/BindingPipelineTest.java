package org.inwardportal.relay.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.rtp.MediaFrame;
import org.junit.jupiter.api.Test;

/** The way toward Discord in process: what a consumer that falls behind gets, and what is counted. */
class BindingPipelineTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BindingPipeline pipeline = new BindingPipeline("t", new ShardPort() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public ScheduledFuture<?> every(Runnable task, long delayNanos, long periodNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int opusPayloadType() {
            return -1;
        }

        @Override
        public void send(ByteBuf plainRtp) {
            plainRtp.release();
        }
    }, 1, BindingPipeline.ToShard.PER_SPEAKER, registry);
    private final MediaSink sink = pipeline.shardSink();

    private void fromShard(int n, long arrivalNanos) {
        MediaFrame f = new MediaFrame();
        f.kind = MediaFrame.Kind.AUDIO;
        f.ssrc = 7;
        f.sequence = n;
        f.timestamp = 960L * n;
        f.arrivalNanos = arrivalNanos;
        f.buffer = Unpooled.wrappedBuffer(new byte[] {(byte) 0xFC, (byte) n});
        f.payloadOffset = 0;
        f.payloadLength = 2;
        sink.onMedia(null, f);
    }

    @Test
    void aNewShardSessionGetsTheSpeakersTracksOfferedAgain() {
        java.util.List<java.util.List<BindingPipeline.SpeakerTrack>> changes = new java.util.ArrayList<>();
        pipeline.onSpeakerTracks(changes::add);
        long now = System.nanoTime();
        pipeline.fromDiscord(101, 1, 960, new byte[] {(byte) 0xFC, 1}, now);
        pipeline.fromDiscord(202, 1, 960, new byte[] {(byte) 0xFC, 2}, now);
        assertThat(changes).hasSize(2);
        assertThat(changes.getLast()).extracting(BindingPipeline.SpeakerTrack::speaker, BindingPipeline.SpeakerTrack::newTrack)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(101L, false), org.assertj.core.groups.Tuple.tuple(202L, true));
        pipeline.fromDiscord(202, 2, 1920, new byte[] {(byte) 0xFC, 3}, now);
        assertThat(changes).as("a known speaker changes nothing").hasSize(2);

        sink.onConnected(null); // the shard reconnected: its new session holds only the first track
        assertThat(changes).hasSize(3);
        assertThat(changes.getLast()).extracting(BindingPipeline.SpeakerTrack::speaker, BindingPipeline.SpeakerTrack::newTrack)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(101L, false), org.assertj.core.groups.Tuple.tuple(202L, true));
        sink.onConnected(null);
        assertThat(changes.getLast()).as("offered again after each new session")
                .extracting(BindingPipeline.SpeakerTrack::newTrack).containsExactly(false, true);
    }

    private double dropped(String reason) {
        return registry.get("relay.binding.dropped").tag("direction", "to_discord").tag("reason", reason).counter().count();
    }

    @Test
    void aConsumerBackFromAStallGetsNoStaleAudioAndTheRingRefusesWhatDoesNotFit() {
        long now = System.nanoTime();
        // 6 s of frames while the send thread was stalled: the ring (256) takes the first 256, refuses the rest
        for (int n = 0; n < 300; n++) fromShard(n, now - 6_000_000_000L + 20_000_000L * n);
        assertThat(dropped("ring_full")).isEqualTo(44);
        // the thread is back: what is left after cutting the backlog is over 200 ms old, so none of it goes out
        assertThat(pipeline.nextFrameForDiscord()).isNull();
        assertThat(dropped("backlog") + dropped("stale")).isEqualTo(256);
        assertThat(dropped("stale")).isEqualTo(3);
        // fresh audio flows again at once
        fromShard(300, System.nanoTime());
        ByteBuffer next = pipeline.nextFrameForDiscord();
        assertThat(next).isNotNull();
        assertThat(next.get(1)).isEqualTo((byte) 300);
    }

    @Test
    void aConsumerThatFallsBehindGetsTheNewestFramesAndTheCutIsCounted() {
        long now = System.nanoTime();
        for (int n = 0; n < 10; n++) fromShard(n, now);
        ByteBuffer first = pipeline.nextFrameForDiscord();
        assertThat(first.get(1)).as("the newest three of ten are kept, the older seven cut").isEqualTo((byte) 7);
        assertThat(dropped("backlog")).isEqualTo(7);
    }
}
