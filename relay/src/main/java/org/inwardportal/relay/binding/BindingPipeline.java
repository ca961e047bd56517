package org.inwardportal.relay.binding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.opus.OpusEncoder;
import org.inwardportal.relay.rtp.MediaFrame;

/**
 * One binding's audio: a shard's session on the endpoint on one side, a Discord voice connection on
 * the other, one {@link OpusRing} per direction, the relay knowing nothing of Discord. The Discord
 * adapter calls {@link #nextFrameForDiscord()} from its send thread (woken through
 * {@link #onFrameForDiscord} as soon as a frame is there) and {@link #fromDiscord} from its receive
 * callback.
 *
 * <pre>
 * shard SRTP ─▶ endpoint loop ─▶ ring ─▶ nextFrameForDiscord(): OutgoingStream (passthrough | mix) ─▶ JDA
 * JDA receive ─▶ fromDiscord() ─▶ ring ─▶ endpoint loop: per speaker a track (passthrough)
 *                                                  or one OutgoingStream (passthrough | mix, 20 ms ticks) ─▶ SRTP
 * </pre>
 *
 * Nothing blocks; nothing is allocated per frame but the pooled outgoing RTP buffer.
 */
public final class BindingPipeline implements AutoCloseable {
    /** How Discord speakers reach the shard. */
    public enum ToShard { PER_SPEAKER, MIXED }

    /** Who is on which track toward the shard (per-speaker mode); {@code newTrack}: to be re-offered first. */
    public record SpeakerTrack(long speaker, int ssrc, String trackId, boolean newTrack) {
    }

    /** The track id of the audio track in the relay's first answer to a shard (the mix, or the first speaker). */
    public static final String FIRST_TRACK = "voices";
    static final int RING = 256;
    /** Room after the payload for the SRTP tag, so protecting in place never reallocates. */
    static final int SRTP_ROOM = 16;
    /** More than this many frames waiting for Discord's send thread: the oldest are dropped. */
    static final int MAX_DISCORD_BACKLOG = 3;
    /** A frame toward Discord older than this is dropped rather than sent late. */
    static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** A source silent this long no longer counts as speaking (one speaking holds passthrough). */
    static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final int MAX_SOURCES = 8;
    static final int MIX_BITRATE = 64_000;
    /** The first mixing tick toward the shard: one frame after the last passed one, plus this margin. */
    static final long TICK_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final ShardPort port;
    private final EndpointShardPort endpointPort; // null when the port is not the endpoint's
    private final int toShardSsrc;
    private final ToShard mode;
    private final OpusRing toDiscord = new OpusRing(RING);
    private final OpusRing toShard = new OpusRing(RING);
    private volatile Runnable discordWake = () -> { };
    private volatile boolean paused;
    private volatile Consumer<List<SpeakerTrack>> tracksChanged = t -> { };

    // toward Discord, on the Discord send thread
    private final OutgoingStream discordStream;
    private final ByteBuffer discordView = ByteBuffer.allocate(OpusRing.MAX_FRAME);
    private boolean discordEmitted;

    // toward the shard, on the endpoint's event loop
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drainToShard;
    private final SpeakerTracks speakerTracks;
    private final OutgoingStream shardStream;
    private int shardSequence;
    private ScheduledFuture<?> shardTicker;
    private final Runnable shardTick = this::tickToShard;

    // toward spectators (null without an endpoint), and their push-to-talk, on the endpoint's event loop
    private final ViewerAudio viewerAudio;
    private final byte[] viewerFrame = new byte[OpusRing.MAX_FRAME];

    private final Counter inFromShard, outToDiscord, inFromDiscord, outToShard, inFromViewers;
    private final Counter dropPausedToDiscord, dropPausedToShard;
    private final Counter dropStandingToDiscord;
    private final Counter dropRingFullToDiscord, dropBacklogToDiscord, dropStaleToDiscord, dropRingFullToShard, dropNoTrack, dropNotConnected;
    private final Timer latencyToDiscord, latencyToShard, mixTimeToDiscord, mixTimeToShard;

    /**
     * @param toShardSsrc the SSRC of the audio track the shard's first answer holds; per-speaker
     *                    tracks use the following ones
     */
    public BindingPipeline(String binding, MediaEndpoint endpoint, int toShardSsrc, ToShard mode, MeterRegistry registry) {
        this(binding, new EndpointShardPort(endpoint), toShardSsrc, mode, registry);
    }

    /** With the way toward the shard run by {@code port} (benchmarks: in process, without a socket). */
    public BindingPipeline(String binding, ShardPort port, int toShardSsrc, ToShard mode, MeterRegistry registry) {
        this.port = port;
        this.endpointPort = port instanceof EndpointShardPort e ? e : null;
        this.toShardSsrc = toShardSsrc;
        this.mode = mode;
        discordStream = new OutgoingStream(MAX_SOURCES, mixEncoder(), HOLD_NANOS, this::emitToDiscord);
        if (mode == ToShard.MIXED) {
            shardStream = new OutgoingStream(MAX_SOURCES, mixEncoder(), HOLD_NANOS, this::emitToShard);
            speakerTracks = null;
        } else {
            shardStream = null;
            speakerTracks = new SpeakerTracks(MAX_SOURCES, toShardSsrc, FIRST_TRACK);
        }
        inFromShard = frames(registry, binding, "to_discord", "in");
        outToDiscord = frames(registry, binding, "to_discord", "out");
        inFromDiscord = frames(registry, binding, "to_shard", "in");
        outToShard = frames(registry, binding, "to_shard", "out");
        inFromViewers = frames(registry, binding, "from_viewers", "in");
        dropRingFullToDiscord = drops(registry, binding, "to_discord", "ring_full");
        dropBacklogToDiscord = drops(registry, binding, "to_discord", "backlog");
        dropStaleToDiscord = drops(registry, binding, "to_discord", "stale");
        dropStandingToDiscord = drops(registry, binding, "to_discord", "standing");
        dropPausedToDiscord = drops(registry, binding, "to_discord", "paused");
        dropPausedToShard = drops(registry, binding, "to_shard", "paused");
        dropRingFullToShard = drops(registry, binding, "to_shard", "ring_full");
        dropNoTrack = drops(registry, binding, "to_shard", "no_track");
        dropNotConnected = drops(registry, binding, "to_shard", "shard_not_connected");
        latencyToDiscord = latency(registry, binding, "to_discord");
        latencyToShard = latency(registry, binding, "to_shard");
        mixTimeToDiscord = mixTime(registry, binding, "to_discord");
        mixTimeToShard = mixTime(registry, binding, "to_shard");
        mixingMeters(registry, binding, "to_discord", discordStream);
        if (shardStream != null) mixingMeters(registry, binding, "to_shard", shardStream);
        viewerAudio = endpointPort == null ? null : new ViewerAudio(endpointPort.endpoint(), port, mixEncoder(), HOLD_NANOS,
                frames(registry, binding, "to_viewers", "out"));
    }

    /** Per-speaker tracks toward the shard, the default. */
    public BindingPipeline(String binding, MediaEndpoint endpoint, int toShardSsrc, MeterRegistry registry) {
        this(binding, endpoint, toShardSsrc, ToShard.PER_SPEAKER, registry);
    }

    private static OpusEncoder mixEncoder() {
        return new OpusEncoder(1, true, MIX_BITRATE, 5);
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

    private static Timer mixTime(MeterRegistry r, String binding, String direction) {
        return Timer.builder("relay.binding.mixer.time").tag("binding", binding).tag("direction", direction)
                .description("decode, mix and encode of one 20 ms mixing tick")
                .publishPercentiles(0.5, 0.99).register(r);
    }

    // read from the metrics thread: plain fields, a value a scrape late at worst
    private static void mixingMeters(MeterRegistry r, String binding, String direction, OutgoingStream s) {
        Tags tags = Tags.of("binding", binding, "direction", direction);
        FunctionCounter.builder("relay.binding.concealed", s, x -> x.stage().concealed()).tags(tags)
                .description("frames concealed (Opus PLC) while mixing").register(r);
        FunctionCounter.builder("relay.binding.fec.recovered", s, x -> x.stage().fecRecovered()).tags(tags)
                .description("lost frames rebuilt from the next frame's in-band FEC while mixing").register(r);
        FunctionCounter.builder("relay.binding.mode.switches", s, OutgoingStream::switchesToMixing).tags(tags).tag("to", "mixing").register(r);
        FunctionCounter.builder("relay.binding.mode.switches", s, OutgoingStream::switchesToPassthrough).tags(tags).tag("to", "passthrough").register(r);
        Gauge.builder("relay.binding.jitter.depth", s, x -> x.stage().bufferedFrames()).tags(tags)
                .description("frames held in the mixing jitter buffers").register(r);
        Gauge.builder("relay.binding.mixing", s, x -> x.mixing() ? 1 : 0).tags(tags)
                .description("1 while the direction mixes, 0 in passthrough").register(r);
    }

    /** Called (on the endpoint's loop) each time a frame toward Discord is ready: wakes the send thread. */
    public void onFrameForDiscord(Runnable wake) {
        this.discordWake = wake;
    }

    /** Called on the endpoint's loop when per-speaker tracks change hands (re-offer new ones, send {@code speakers}). */
    public void onSpeakerTracks(Consumer<List<SpeakerTrack>> listener) {
        this.tracksChanged = listener;
    }

    public ToShard mode() {
        return mode;
    }

    /** Stops (true) or resumes bridging: while paused, frames both ways are dropped and counted ({@code paused}). */
    public void paused(boolean pause) {
        this.paused = pause;
    }

    public boolean paused() {
        return paused;
    }

    /** Audio frames that came from the shard so far (paused or not). */
    public long framesFromShard() {
        return (long) inFromShard.count();
    }

    /** Audio frames that came from Discord speakers so far, all speakers summed. */
    public long framesFromDiscord() {
        return (long) inFromDiscord.count();
    }

    /**
     * Drops the oldest frame waiting toward Discord (the send system cannot send it in time: counted
     * {@code reason="standing"}); false while mixing or when none waits. Send thread only.
     */
    public boolean dropFrameForDiscord() {
        if (discordStream.mixing() || toDiscord.peek() == null) return false;
        toDiscord.release();
        dropStandingToDiscord.increment();
        return true;
    }

    // passthrough: a backlog is cut from the oldest end, and frames too old to be worth sending go
    private void trimTowardDiscord(long now) {
        OpusRing.Slot s;
        while (toDiscord.backlog() > MAX_DISCORD_BACKLOG) {
            toDiscord.peek();
            toDiscord.release();
            dropBacklogToDiscord.increment();
        }
        // after a stall the ring holds what was refused no newer frames: old audio is not worth sending
        while ((s = toDiscord.peek()) != null && now - s.arrivalNanos > MAX_AGE_NANOS) {
            toDiscord.release();
            dropStaleToDiscord.increment();
        }
    }

    /**
     * The source RTP timestamp of the frame {@link #nextFrameForDiscord} would pass through now (after
     * the same trimming), or -1 while mixing or when none waits. Send thread only.
     */
    public long nextTimestampForDiscord() {
        if (discordStream.mixing()) return -1;
        trimTowardDiscord(System.nanoTime());
        OpusRing.Slot s = toDiscord.peek();
        return s == null ? -1 : s.timestamp & 0xFFFFFFFFL;
    }

    /** Who sent the frame {@link #nextTimestampForDiscord} is about (its SSRC), or 0. Send thread only. */
    public long nextSourceForDiscord() {
        OpusRing.Slot s = toDiscord.peek();
        return s == null ? 0 : s.source;
    }

    /** How many frames wait toward Discord (their wakes may have coalesced). Send thread only. */
    public int framesWaitingForDiscord() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, toDiscord.backlog()));
    }

    /** True while the way toward Discord mixes: the send thread must then ask every 20 ms. Send thread only. */
    public boolean mixingTowardDiscord() {
        return discordStream.mixing();
    }

    /** The endpoint sink for the shard's session: its Opus frames go toward Discord. */
    public MediaSink shardSink() {
        return new MediaSink() {
            @Override
            public void onConnected(PeerSession s) {
                if (endpointPort != null) endpointPort.session(s);
                // a new session holds only the first track: offer the speakers' tracks again (on the sending thread)
                if (speakerTracks != null) port.execute(() -> {
                    if (speakerTracks.newSession()) tracksChanged();
                });
            }

            @Override
            public void onMedia(PeerSession s, MediaFrame f) {
                if (f.kind != MediaFrame.Kind.AUDIO) return;
                inFromShard.increment();
                // spectators hear the world even while bridging to Discord is paused
                if (viewerAudio != null && viewerAudio.watched()) {
                    viewerAudio.frame(f.ssrc, f.buffer, f.payloadOffset, f.payloadLength, f.sequence, f.timestamp, f.arrivalNanos);
                }
                if (paused) {
                    dropPausedToDiscord.increment();
                    return;
                }
                if (!toDiscord.offer(f.buffer, f.payloadOffset, f.payloadLength, f.ssrc, f.sequence, f.timestamp, f.arrivalNanos)) {
                    dropRingFullToDiscord.increment();
                    return;
                }
                discordWake.run();
            }

            @Override
            public void onClosed(PeerSession s, String reason) {
                if (endpointPort != null) endpointPort.closed(s);
            }
        };
    }

    /**
     * From Discord's send thread: the next frame toward Discord, or null. In passthrough one waiting
     * frame is taken per call (a backlog beyond {@value #MAX_DISCORD_BACKLOG} is cut from the oldest
     * end, so latency cannot build up); while mixing all waiting frames go into the mixer and one
     * tick runs. The returned buffer stays valid until the next call.
     */
    public ByteBuffer nextFrameForDiscord() {
        long now = System.nanoTime();
        discordEmitted = false;
        OpusRing.Slot s;
        if (!discordStream.mixing()) {
            trimTowardDiscord(now);
            if ((s = toDiscord.peek()) != null) {
                discordStream.frame(s.source, s.data, s.length, s.sequence, s.timestamp, s.arrivalNanos, now);
                toDiscord.release();
            }
            if (discordEmitted || !discordStream.mixing()) return discordEmitted ? discordView : null;
        }
        while ((s = toDiscord.peek()) != null) {
            discordStream.frame(s.source, s.data, s.length, s.sequence, s.timestamp, s.arrivalNanos, now);
            toDiscord.release();
        }
        discordStream.tick(now);
        mixTimeToDiscord.record(discordStream.lastTickNanos(), TimeUnit.NANOSECONDS);
        return discordEmitted ? discordView : null;
    }

    private void emitToDiscord(byte[] opus, int length, long rtpTimestamp, long arrivalNanos) {
        discordView.clear();
        discordView.put(opus, 0, length).flip();
        discordEmitted = true;
        outToDiscord.increment();
        if (arrivalNanos != Long.MAX_VALUE) latencyToDiscord.record(System.nanoTime() - arrivalNanos, TimeUnit.NANOSECONDS);
    }

    /** Discord's receive callback: one speaker's Opus frame toward the shard. */
    public void fromDiscord(long speaker, int sequence, long timestamp, byte[] opus, long arrivalNanos) {
        inFromDiscord.increment();
        if (paused) {
            dropPausedToShard.increment();
            return;
        }
        if (!toShard.offer(opus, opus.length, speaker, sequence, timestamp, arrivalNanos)) {
            dropRingFullToShard.increment();
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) port.execute(drain);
    }

    /** On the endpoint's event loop: sends what Discord delivered as soon as it is there. */
    private void drainToShard() {
        drainScheduled.set(false);
        OpusRing.Slot slot;
        while ((slot = toShard.peek()) != null) {
            long now = System.nanoTime();
            if (shardStream != null) {
                shardStream.frame(slot.source, slot.data, slot.length, slot.sequence, slot.timestamp, slot.arrivalNanos, now);
            } else {
                toSpeakerTrack(slot.source, slot.data, slot.length, slot.timestamp, slot.arrivalNanos, now);
            }
            if (viewerAudio != null && viewerAudio.watched()) {
                viewerAudio.frame(slot.source, slot.data, slot.length, slot.sequence, slot.timestamp, slot.arrivalNanos);
            }
            toShard.release();
        }
        startShardTicker();
    }

    private void startShardTicker() {
        if (shardStream != null && shardStream.mixing() && shardTicker == null) {
            long first = shardStream.lastFrameNanos() + TimestampRewriter.FRAME_NANOS + TICK_MARGIN_NANOS - System.nanoTime();
            shardTicker = port.every(shardTick, Math.max(0, first), TimestampRewriter.FRAME_NANOS);
        }
    }

    private void tickToShard() {
        drainToShard();
        if (!shardStream.mixing()) {
            shardTicker.cancel(false);
            shardTicker = null;
            return;
        }
        shardStream.tick(System.nanoTime());
        mixTimeToShard.record(shardStream.lastTickNanos(), TimeUnit.NANOSECONDS);
        if (!shardStream.mixing() && shardTicker != null) {
            shardTicker.cancel(false);
            shardTicker = null;
        }
    }

    private void toSpeakerTrack(long source, byte[] opus, int length, long timestamp, long arrivalNanos, long now) {
        SpeakerTracks.Track t = speakerTracks.of(source);
        long ts;
        if (t == null) {
            t = speakerTracks.assign(source, now);
            if (t == null) {
                dropNoTrack.increment();
                return;
            }
            ts = t.clock.switchTo(timestamp, now);
            tracksChanged();
        } else {
            ts = t.clock.follow(timestamp, now);
        }
        t.lastNanos = now;
        if (sendToShard(t.ssrc, t.sequence, opus, length, ts, arrivalNanos)) t.sequence++;
    }

    /**
     * The endpoint sink for a spectator's session: it hears the world and the Discord voices on
     * {@code audioSsrc}, and its push-to-talk goes into the world and into Discord as source
     * {@code source} (an id no Discord member or shard stream has: see {@code LiveBinding}).
     */
    public MediaSink viewerSink(long source, int audioSsrc) {
        return new MediaSink() {
            @Override
            public void onConnected(PeerSession s) {
                if (viewerAudio != null) viewerAudio.add(s, audioSsrc);
            }

            @Override
            public void onMedia(PeerSession s, MediaFrame f) {
                if (f.kind == MediaFrame.Kind.AUDIO) fromViewer(source, f);
            }

            @Override
            public void onClosed(PeerSession s, String reason) {
                if (viewerAudio != null) viewerAudio.remove(s);
            }
        };
    }

    /** Spectators watching now (on the endpoint's loop; a value a moment old elsewhere). */
    public int viewers() {
        return viewerAudio == null ? 0 : viewerAudio.viewers();
    }

    // on the endpoint's loop, like the shard's frames: the same single producer of the ring toward Discord,
    // and the thread that sends toward the shard
    private void fromViewer(long source, MediaFrame f) {
        inFromViewers.increment();
        if (paused) {
            dropPausedToDiscord.increment();
        } else if (toDiscord.offer(f.buffer, f.payloadOffset, f.payloadLength, source, f.sequence, f.timestamp, f.arrivalNanos)) {
            discordWake.run();
        } else {
            dropRingFullToDiscord.increment();
        }
        if (f.payloadLength > viewerFrame.length) return;
        f.buffer.getBytes(f.payloadOffset, viewerFrame, 0, f.payloadLength);
        long now = System.nanoTime();
        if (shardStream != null) {
            shardStream.frame(source, viewerFrame, f.payloadLength, f.sequence, f.timestamp, f.arrivalNanos, now);
            startShardTicker();
        } else {
            toSpeakerTrack(source, viewerFrame, f.payloadLength, f.timestamp, f.arrivalNanos, now);
        }
    }

    private void tracksChanged() {
        List<SpeakerTrack> now = speakerTracks.assignments().stream()
                .map(a -> new SpeakerTrack(a.speaker(), a.ssrc(), a.trackId(), a.newTrack())).toList();
        tracksChanged.accept(now);
    }

    private void emitToShard(byte[] opus, int length, long rtpTimestamp, long arrivalNanos) {
        if (sendToShard(toShardSsrc, shardSequence, opus, length, rtpTimestamp, arrivalNanos)) shardSequence++;
    }

    // the sequence only advances for packets that leave, so the shard sees no false loss
    private boolean sendToShard(int ssrc, int sequence, byte[] opus, int length, long rtpTimestamp, long arrivalNanos) {
        int pt = port.opusPayloadType();
        if (pt < 0) {
            dropNotConnected.increment();
            return false;
        }
        ByteBuf rtp = PooledByteBufAllocator.DEFAULT.buffer(12 + length + SRTP_ROOM);
        rtp.writeByte(0x80).writeByte(pt).writeShort(sequence & 0xffff)
                .writeInt((int) rtpTimestamp).writeInt(ssrc).writeBytes(opus, 0, length);
        if (arrivalNanos != Long.MAX_VALUE) latencyToShard.record(System.nanoTime() - arrivalNanos, TimeUnit.NANOSECONDS);
        port.send(rtp);
        outToShard.increment();
        return true;
    }

    @Override
    public void close() {
        port.execute(() -> {
            if (shardTicker != null) shardTicker.cancel(false);
            if (shardStream != null) shardStream.close();
            if (viewerAudio != null) viewerAudio.close();
        });
        discordStream.close(); // the Discord adapter has stopped asking by now
    }
}
