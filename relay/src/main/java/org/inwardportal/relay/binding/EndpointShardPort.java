package org.inwardportal.relay.binding;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ScheduledFuture;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.PeerSession;

/** The shard's session on the relay's endpoint: its event loop, its SRTP, its socket. */
final class EndpointShardPort implements ShardPort {
    private final MediaEndpoint endpoint;
    private volatile PeerSession session;

    EndpointShardPort(MediaEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    MediaEndpoint endpoint() {
        return endpoint;
    }

    void session(PeerSession s) {
        session = s;
    }

    void closed(PeerSession s) {
        if (session == s) session = null;
    }

    @Override
    public void execute(Runnable task) {
        endpoint.execute(task);
    }

    @Override
    public ScheduledFuture<?> every(Runnable task, long delayNanos, long periodNanos) {
        return endpoint.every(task, delayNanos, periodNanos);
    }

    @Override
    public int opusPayloadType() {
        PeerSession s = session;
        return s != null && s.state() == PeerSession.State.CONNECTED ? s.opusPayloadType() : -1;
    }

    @Override
    public void send(ByteBuf plainRtp) {
        PeerSession s = session;
        if (s == null) {
            plainRtp.release();
            return;
        }
        endpoint.send(s, plainRtp);
    }
}
