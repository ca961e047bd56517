package org.inwardportal.relay.binding;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.opus.OpusEncoder;

/**
 * What a binding's spectators hear: the world and the Discord voices as one Opus stream, the same
 * for every viewer, so a viewer costs the relay an RTP header and an SRTP protect per frame, never
 * an encode. Like every outgoing stream it passes one speaking source through and mixes when
 * several speak. Viewers' own push-to-talk is left out: a viewer would hear themselves late.
 * Nothing is fed while nobody watches. Runs on the endpoint's event loop; nothing is allocated per
 * frame but each viewer's pooled RTP buffer.
 */
final class ViewerAudio implements AutoCloseable {
    private final MediaEndpoint endpoint;
    private final ShardPort loop;
    private final OutgoingStream stream;
    private final Counter out;
    private final byte[] copy = new byte[OpusRing.MAX_FRAME];
    private final Runnable tick = this::tick;
    private Viewer[] viewers = new Viewer[0]; // replaced on join and leave (rare), read per frame
    private ScheduledFuture<?> ticker;

    /** One viewer's session and the SSRC its answer promised for the world's audio. */
    private static final class Viewer {
        final PeerSession session;
        final int ssrc;
        int sequence;

        Viewer(PeerSession session, int ssrc) {
            this.session = session;
            this.ssrc = ssrc;
        }
    }

    /** @param loop where the mixing ticks run (the endpoint's loop) */
    ViewerAudio(MediaEndpoint endpoint, ShardPort loop, OpusEncoder encoder, long holdNanos, Counter out) {
        this.endpoint = endpoint;
        this.loop = loop;
        this.out = out;
        this.stream = new OutgoingStream(BindingPipeline.MAX_SOURCES, encoder, holdNanos, this::emit);
    }

    void add(PeerSession s, int ssrc) {
        Viewer[] now = Arrays.copyOf(viewers, viewers.length + 1);
        now[now.length - 1] = new Viewer(s, ssrc);
        viewers = now;
    }

    void remove(PeerSession s) {
        viewers = Arrays.stream(viewers).filter(v -> v.session != s).toArray(Viewer[]::new);
    }

    /** True while someone watches: only then is the stream fed. */
    boolean watched() {
        return viewers.length > 0;
    }

    int viewers() {
        return viewers.length;
    }

    void frame(long source, ByteBuf from, int offset, int length, int sequence, long timestamp, long arrivalNanos) {
        if (length > copy.length) return;
        from.getBytes(offset, copy, 0, length);
        frame(source, copy, length, sequence, timestamp, arrivalNanos);
    }

    void frame(long source, byte[] opus, int length, int sequence, long timestamp, long arrivalNanos) {
        long now = System.nanoTime();
        stream.frame(source, opus, length, sequence, timestamp, arrivalNanos, now);
        if (stream.mixing() && ticker == null) {
            long first = stream.lastFrameNanos() + TimestampRewriter.FRAME_NANOS + BindingPipeline.TICK_MARGIN_NANOS - now;
            ticker = loop.every(tick, Math.max(0, first), TimestampRewriter.FRAME_NANOS);
        }
    }

    private void tick() {
        stream.tick(System.nanoTime());
        if (!stream.mixing() && ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    private void emit(byte[] opus, int length, long rtpTimestamp, long arrivalNanos) {
        for (Viewer v : viewers) {
            int pt = v.session.opusPayloadType();
            if (pt < 0 || v.session.state() != PeerSession.State.CONNECTED) continue;
            ByteBuf rtp = PooledByteBufAllocator.DEFAULT.buffer(12 + length + BindingPipeline.SRTP_ROOM);
            rtp.writeByte(0x80).writeByte(pt).writeShort(v.sequence++ & 0xffff)
                    .writeInt((int) rtpTimestamp).writeInt(v.ssrc).writeBytes(opus, 0, length);
            endpoint.send(v.session, rtp);
            out.increment();
        }
    }

    /** On the loop, when the binding closes. */
    @Override
    public void close() {
        if (ticker != null) ticker.cancel(false);
        viewers = new Viewer[0];
        stream.close();
    }
}
