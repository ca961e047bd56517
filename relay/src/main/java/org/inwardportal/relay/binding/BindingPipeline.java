package org.inwardportal.relay.binding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.rtp.MediaFrame;

/**
 * One binding's audio: a shard's session on the endpoint on one side, a Discord voice connection on
 * the other, one {@link OpusRing} per direction. This increment is <b>passthrough</b>: Opus frames
 * go out untouched, only the RTP header rewritten; with two Discord speakers at once only the one
 * who spoke first is passed (mixing comes next). The relay side knows nothing of Discord: the
 * Discord adapter calls {@link #nextFrameForDiscord()} from its send tick and
 * {@link #fromDiscord} from its receive callback. Nothing is allocated per frame but the pooled
 * outgoing RTP buffer.
 */
public final class BindingPipeline {
    static final int RING = 256;
    /** More than this many frames waiting for Discord's 20 ms tick: the oldest are dropped. */
    static final int MAX_DISCORD_BACKLOG = 3;
    /** A speaker silent for this long no longer holds the passthrough. */
    static final long SPEAKER_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final MediaEndpoint endpoint;
    private final int toShardSsrc;
    private final OpusRing toDiscord = new OpusRing(RING);
    private final OpusRing toShard = new OpusRing(RING);
    private final ByteBuffer discordView = ByteBuffer.allocate(OpusRing.MAX_FRAME);
    private boolean holdingDiscordSlot;
    private volatile PeerSession shard;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drainToShard;
    // toward the shard, on the endpoint's event loop
    private long activeSpeaker = -1;
    private long activeSpeakerLastNanos;
    private int outSequence;
    private long outTimestamp;
    private long lastInTimestamp = -1;
    private long lastOutNanos;

    private final Counter inFromShard;
    private final Counter outToDiscord;
    private final Counter inFromDiscord;
    private final Counter outToShard;
    private final Counter dropRingFullToDiscord;
    private final Counter dropBacklogToDiscord;
    private final Counter dropRingFullToShard;
    private final Counter dropSecondSpeaker;
    private final Timer latencyToDiscord;
    private final Timer latencyToShard;

    public BindingPipeline(String binding, MediaEndpoint endpoint, int toShardSsrc, MeterRegistry registry) {
        this.endpoint = endpoint;
        this.toShardSsrc = toShardSsrc;
        inFromShard = frames(registry, binding, "to_discord", "in");
        outToDiscord = frames(registry, binding, "to_discord", "out");
        inFromDiscord = frames(registry, binding, "to_shard", "in");
        outToShard = frames(registry, binding, "to_shard", "out");
        dropRingFullToDiscord = drops(registry, binding, "to_discord", "ring_full");
        dropBacklogToDiscord = drops(registry, binding, "to_discord", "backlog");
        dropRingFullToShard = drops(registry, binding, "to_shard", "ring_full");
        dropSecondSpeaker = drops(registry, binding, "to_shard", "second_speaker");
        latencyToDiscord = latency(registry, binding, "to_discord");
        latencyToShard = latency(registry, binding, "to_shard");
    }

    private static Counter frames(MeterRegistry r, String binding, String direction, String way) {
        return Counter.builder("relay.binding.frames").tag("binding", binding).tag("direction", direction).tag("way", way).register(r);
    }

    private static Counter drops(MeterRegistry r, String binding, String direction, String reason) {
        return Counter.builder("relay.binding.dropped").tag("binding", binding).tag("direction", direction).tag("reason", reason).register(r);
    }

    private static Timer latency(MeterRegistry r, String binding, String direction) {
        return Timer.builder("relay.binding.added.latency").tag("binding", binding).tag("direction", direction)
                .description("from a frame's arrival in the relay to its hand-off toward the other side")
                .publishPercentiles(0.5, 0.99, 0.999).register(r);
    }

    /** The endpoint sink for the shard's session: its Opus frames go toward Discord. */
    public MediaSink shardSink() {
        return new MediaSink() {
            @Override
            public void onConnected(PeerSession s) {
                shard = s;
            }

            @Override
            public void onMedia(PeerSession s, MediaFrame f) {
                if (f.kind != MediaFrame.Kind.AUDIO) return;
                inFromShard.increment();
                if (!toDiscord.offer(f.buffer, f.payloadOffset, f.payloadLength, f.ssrc, f.sequence, f.timestamp, f.arrivalNanos)) {
                    dropRingFullToDiscord.increment();
                }
            }

            @Override
            public void onClosed(PeerSession s, String reason) {
                if (shard == s) shard = null;
            }
        };
    }

    /**
     * Discord's send tick (every 20 ms): the next frame from the shard, or null. A backlog beyond
     * {@value #MAX_DISCORD_BACKLOG} frames is cut from the oldest end, so latency cannot build up.
     * The returned buffer stays valid until the next call.
     */
    public ByteBuffer nextFrameForDiscord() {
        if (holdingDiscordSlot) {
            toDiscord.release();
            holdingDiscordSlot = false;
        }
        while (toDiscord.backlog() > MAX_DISCORD_BACKLOG) {
            toDiscord.peek();
            toDiscord.release();
            dropBacklogToDiscord.increment();
        }
        OpusRing.Slot s = toDiscord.peek();
        if (s == null) return null;
        holdingDiscordSlot = true;
        discordView.clear();
        discordView.put(s.data, 0, s.length).flip();
        outToDiscord.increment();
        latencyToDiscord.record(System.nanoTime() - s.arrivalNanos, TimeUnit.NANOSECONDS);
        return discordView;
    }

    /** Discord's receive callback: one speaker's Opus frame toward the shard. */
    public void fromDiscord(long speaker, int sequence, long timestamp, byte[] opus, long arrivalNanos) {
        inFromDiscord.increment();
        if (!toShard.offer(opus, opus.length, speaker, sequence, timestamp, arrivalNanos)) {
            dropRingFullToShard.increment();
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) endpoint.execute(drain);
    }

    /** On the endpoint's event loop: sends what Discord delivered, as soon as it is there. */
    private void drainToShard() {
        drainScheduled.set(false);
        PeerSession s = shard;
        OpusRing.Slot slot;
        while ((slot = toShard.peek()) != null) {
            long now = System.nanoTime();
            if (activeSpeaker != slot.source && activeSpeaker != -1 && now - activeSpeakerLastNanos < SPEAKER_HOLD_NANOS) {
                dropSecondSpeaker.increment(); // two speakers at once: mixing is the next increment
                toShard.release();
                continue;
            }
            if (activeSpeaker != slot.source) {
                // A new speaker: the timestamp moves on with wall time, so the receiver sees a continuous clock.
                outTimestamp += lastOutNanos == 0 ? 0 : Math.max(960, (now - lastOutNanos) * 48_000 / 1_000_000_000L);
                activeSpeaker = slot.source;
                lastInTimestamp = -1;
            } else if (lastInTimestamp >= 0) {
                outTimestamp += (slot.timestamp - lastInTimestamp) & 0xffffffffL;
            }
            lastInTimestamp = slot.timestamp;
            activeSpeakerLastNanos = now;
            lastOutNanos = now;
            if (s != null && s.state() == PeerSession.State.CONNECTED) {
                ByteBuf rtp = PooledByteBufAllocator.DEFAULT.buffer(12 + slot.length + 32);
                rtp.writeByte(0x80).writeByte(s.opusPayloadType()).writeShort(outSequence++ & 0xffff)
                        .writeInt((int) outTimestamp).writeInt(toShardSsrc).writeBytes(slot.data, 0, slot.length);
                latencyToShard.record(now - slot.arrivalNanos, TimeUnit.NANOSECONDS);
                endpoint.send(s, rtp);
                outToShard.increment();
            }
            toShard.release();
        }
    }
}
