package org.inwardportal.relay.binding;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.rtp.MediaFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The passthrough path toward Discord, in process: a shard's decrypted audio frame handed to the
 * binding (copied into its ring, counted) and taken by Discord's send tick (backlog check, copied
 * out, latency recorded) — everything the relay adds between the endpoint and JDA, without the wait
 * for JDA's 20 ms poll. Sampled per frame for percentiles (target p99 ≤ 1 ms) and, with
 * {@code -prof gc}, bytes per frame (target 0). The way toward the shard goes through the endpoint's
 * SRTP and socket and is not in here yet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "-Dio.netty.noUnsafe=false"})
public class PassthroughBenchmark {
    private BindingPipeline pipeline;
    private MediaSink sink;
    private final MediaFrame frame = new MediaFrame();
    private int seq;

    @Setup
    public void setUp() {
        pipeline = new BindingPipeline("bench", null, 1234, new SimpleMeterRegistry());
        sink = pipeline.shardSink();
        ByteBuf packet = Unpooled.directBuffer(12 + 120);
        packet.writeZero(12);
        for (int i = 0; i < 120; i++) packet.writeByte(i);
        frame.kind = MediaFrame.Kind.AUDIO;
        frame.ssrc = 0xABC;
        frame.buffer = packet;
        frame.payloadOffset = 12;
        frame.payloadLength = 120;
    }

    @Benchmark
    public ByteBuffer toDiscord() {
        frame.sequence = seq & 0xFFFF;
        frame.timestamp = 960L * seq++;
        frame.arrivalNanos = System.nanoTime();
        sink.onMedia(null, frame);
        ByteBuffer out = pipeline.nextFrameForDiscord();
        if (out == null || out.remaining() != 120) throw new IllegalStateException("frame lost in passthrough");
        return out;
    }
}
