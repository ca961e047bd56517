package org.inwardportal.relay.binding;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ScheduledFuture;

/**
 * Where the way toward the shard runs and hands off its RTP packets: in the relay, the endpoint's
 * event loop and the shard's SRTP session ({@link EndpointShardPort}); in a benchmark, the caller's
 * thread and a bare SRTP transform.
 */
public interface ShardPort {
    /** Runs a task on the thread that sends to the shard. */
    void execute(Runnable task);

    /** Runs a task on that thread every {@code periodNanos}, first after {@code delayNanos}. */
    ScheduledFuture<?> every(Runnable task, long delayNanos, long periodNanos);

    /** The Opus payload type the shard negotiated, or -1 while no session is connected. */
    int opusPayloadType();

    /** Protects and sends one plain RTP packet; takes ownership of the buffer. */
    void send(ByteBuf plainRtp);
}
