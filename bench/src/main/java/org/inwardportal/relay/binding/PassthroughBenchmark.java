package org.inwardportal.relay.binding;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.srtp.SrtpKeys;
import org.inwardportal.relay.srtp.SrtpProfile;
import org.inwardportal.relay.srtp.SrtpTransformer;
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
 * The passthrough paths in process, each way, per frame: everything the relay adds between the
 * socket it read from and the one it writes to. Sampled for percentiles (target p99 ≤ 1 ms) and,
 * with {@code -prof gc}, bytes per frame (target 0).
 * <ul>
 *   <li>{@code toDiscord}: a shard's decrypted audio frame handed to the binding (copied into its
 *       ring, counted), taken by the Discord send thread (backlog check, passthrough decision,
 *       copied out, latency recorded); JDA's encryption and socket are JDA's.
 *   <li>{@code toShard}: a frame from JDA's receive callback into the ring, drained (here on the
 *       caller's thread instead of the endpoint's loop), its speaker's track found, the RTP header
 *       rewritten into a pooled buffer and SRTP-protected (AES-CM + HMAC-SHA1, as to a shard); the
 *       datagram write is left out.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Netty's threads, as the relay's event loop (pooled buffers come from thread caches only there), and
// Netty's leak detector off, as in the daemon (its sampling records a stack trace per 128 buffers).
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "-Dio.netty.noUnsafe=false",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=org.inwardportal.bench.jmh.NettyThreadExecutor",
        "-Dio.netty.leakDetection.level=disabled"})
public class PassthroughBenchmark {
    private BindingPipeline pipeline;
    private MediaSink sink;
    private final MediaFrame frame = new MediaFrame();
    private int seq;

    private final byte[] discordFrame = new byte[120];
    private final ShardPort inProcess = new ShardPort() {
        private final SrtpTransformer srtp;

        {
            byte[] key = new byte[16];
            byte[] salt = new byte[SrtpProfile.AES_CM_128_HMAC_SHA1_80.saltBytes];
            new java.util.Random(3).nextBytes(key);
            srtp = new SrtpTransformer(SrtpKeys.derive(SrtpProfile.AES_CM_128_HMAC_SHA1_80, key, salt));
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> every(Runnable task, long delayNanos, long periodNanos) {
            throw new UnsupportedOperationException("per-speaker passthrough never ticks");
        }

        @Override
        public int opusPayloadType() {
            return 111;
        }

        @Override
        public void send(ByteBuf plainRtp) {
            if (srtp.protectRtp(plainRtp) != SrtpTransformer.Result.OK) throw new IllegalStateException("cannot protect");
            sent++;
            plainRtp.release();
        }
    };
    private long sent;

    @Setup
    public void setUp() {
        pipeline = new BindingPipeline("bench", inProcess, 1234, BindingPipeline.ToShard.PER_SPEAKER, new SimpleMeterRegistry());
        for (int i = 0; i < discordFrame.length; i++) discordFrame[i] = (byte) (i * 7);
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

    @Benchmark
    public long toShard() {
        long before = sent;
        pipeline.fromDiscord(42, seq & 0xFFFF, 960L * seq++, discordFrame, System.nanoTime());
        if (sent != before + 1) throw new IllegalStateException("frame lost in passthrough");
        return sent;
    }
}
