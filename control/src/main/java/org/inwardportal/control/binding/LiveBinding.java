package org.inwardportal.control.binding;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inwardportal.discord.voice.DiscordBots;
import org.inwardportal.discord.voice.OpusFrameSource;
import org.inwardportal.discord.voice.OpusSink;
import org.inwardportal.discord.voice.Speaker;
import org.inwardportal.discord.voice.VoiceLink;
import org.inwardportal.relay.binding.BindingPipeline;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.sdp.SdpAnswerer;
import org.inwardportal.relay.sfu.VideoRoom;
import org.inwardportal.signaling.Invites;
import org.inwardportal.signaling.SignalingServer;

/**
 * One binding at run time: the shard's session on the endpoint and a Discord voice link, joined by
 * a {@link BindingPipeline}. JDA's receive callback feeds the pipeline (stamped on arrival), the
 * pipeline wakes the link's send thread when a frame is ready, and in per-speaker mode the shard is
 * told who is on which track: new tracks by a re-offer, then the {@code speakers} message.
 */
public final class LiveBinding implements AutoCloseable {
    /** The stream id of everything the relay sends a shard. */
    public static final String STREAM = "discord";
    /**
     * Spectators' push-to-talk sources are numbered from here: above every Discord member id
     * (snowflakes stay below 2^62 until about 2050) and every shard SSRC, so no two sources meet.
     */
    static final long FIRST_VIEWER_SOURCE = 1L << 62;

    /** How the binding talks to its shard over signaling. */
    public interface ShardChannel {
        /** Adds send-only audio tracks to the shard's session (a relay offer). */
        void offerTracks(List<SdpAnswerer.Track> tracks);

        /** Tells the shard who is on which track. */
        void speakers(List<SignalingServer.Speaker> speakers);

        static ShardChannel of(SignalingServer signaling, String shardId) {
            return new ShardChannel() {
                @Override
                public void offerTracks(List<SdpAnswerer.Track> tracks) {
                    signaling.offerTracks(shardId, tracks);
                }

                @Override
                public void speakers(List<SignalingServer.Speaker> speakers) {
                    signaling.sendTo(shardId, SignalingServer.speakers(speakers));
                }
            };
        }
    }

    /** Opens the binding's voice link with the pipeline's receive callback and frame source. */
    @FunctionalInterface
    public interface LinkOpener {
        VoiceLink open(OpusSink sink, OpusFrameSource source) throws DiscordBots.NoFreeBotException;
    }

    private final BindingPipeline pipeline;
    private final VoiceLink link;
    private final int toShardSsrc;
    private final ShardChannel shard;
    private final VideoRoom video;
    private final java.util.concurrent.atomic.AtomicLong nextViewer = new java.util.concurrent.atomic.AtomicLong(FIRST_VIEWER_SOURCE);
    private final Map<Long, Invites.Invite> viewers = new java.util.concurrent.ConcurrentHashMap<>(); // by source

    public LiveBinding(String id, MediaEndpoint endpoint, int toShardSsrc, BindingPipeline.ToShard mode,
                       LinkOpener opener, ShardChannel shard, MeterRegistry registry) throws DiscordBots.NoFreeBotException {
        this.toShardSsrc = toShardSsrc;
        this.shard = shard;
        this.pipeline = new BindingPipeline(id, endpoint, toShardSsrc, mode, registry);
        this.video = new VideoRoom(endpoint);
        VoiceLink opened;
        try {
                opened = opener.open(
                    (speaker, seq, ts, opus) -> pipeline.fromDiscord(speaker.userId(), seq, ts, opus, System.nanoTime()),
                    new OpusFrameSource() {
                        @Override
                        public ByteBuffer nextFrame() {
                            return pipeline.nextFrameForDiscord();
                        }

                        @Override
                        public boolean wantsTicks() {
                            return pipeline.mixingTowardDiscord();
                        }

                        @Override
                        public int framesWaiting() {
                            return pipeline.framesWaitingForDiscord();
                        }

                        @Override
                        public long nextTimestamp() {
                            return pipeline.nextTimestampForDiscord();
                        }

                        @Override
                        public long nextSource() {
                            return pipeline.nextSourceForDiscord();
                        }

                        @Override
                        public boolean dropFrame() {
                            return pipeline.dropFrameForDiscord();
                        }
                    });
        } catch (DiscordBots.NoFreeBotException | RuntimeException e) {
            pipeline.close(); // its encoders are native memory
            throw e;
        }
        this.link = opened;
        pipeline.onFrameForDiscord(link::frameReady);
        pipeline.onSpeakerTracks(this::tracksChanged);
    }

    // on the endpoint's loop, when a track changes hands: rare, allocation is fine here
    private void tracksChanged(List<BindingPipeline.SpeakerTrack> tracks) {
        List<SdpAnswerer.Track> added = new ArrayList<>();
        List<SignalingServer.Speaker> who = new ArrayList<>();
        for (BindingPipeline.SpeakerTrack t : tracks) {
            if (t.newTrack()) added.add(new SdpAnswerer.Track(t.ssrc() & 0xFFFFFFFFL, STREAM, t.trackId()));
            Invites.Invite viewer = viewers.get(t.speaker());
            if (viewer != null) {
                // a spectator on push-to-talk: the Discord member the invite was made for, by the name it carries
                who.add(new SignalingServer.Speaker(viewer.viewerId(), viewer.viewerName(), null, t.trackId()));
                continue;
            }
            Speaker s = link.speaker(t.speaker());
            who.add(new SignalingServer.Speaker(Long.toString(s.userId()), s.displayName(), null, t.trackId()));
        }
        if (!added.isEmpty()) shard.offerTracks(added);
        shard.speakers(who);
    }

    /** The endpoint sink for the shard's session: its audio to the pipeline, its video to the spectators. */
    public MediaSink shardSink() {
        return MediaSink.both(pipeline.shardSink(), video.publisherSink());
    }

    /**
     * The endpoint sink for a spectator admitted by {@code invite}, whose answer sends {@code sending}
     * ({@code video}: the world's video, forwarded by the SFU; {@code audio}: the world and Discord).
     */
    public MediaSink viewerSink(Invites.Invite invite, Map<String, SdpAnswerer.Track> sending) {
        long source = nextViewer.getAndIncrement();
        SdpAnswerer.Track videoTrack = sending.get("video");
        SdpAnswerer.Track audioTrack = sending.get("audio");
        MediaSink audio = audioTrack == null ? MediaSink.DISCARD : pipeline.viewerSink(source, (int) audioTrack.ssrc());
        MediaSink both = videoTrack == null ? audio : MediaSink.both(video.subscriberSink(videoTrack), audio);
        // known by name from the connection on (an offer that never connects leaves nothing behind)
        return MediaSink.both(new MediaSink() {
            @Override
            public void onConnected(PeerSession s) {
                viewers.put(source, invite);
            }

            @Override
            public void onMedia(PeerSession s, org.inwardportal.relay.rtp.MediaFrame f) {
            }

            @Override
            public void onClosed(PeerSession s, String reason) {
                viewers.remove(source);
            }
        }, both);
    }

    /** The spectators' video room (forwarding counters, keyframe requests). */
    public VideoRoom video() {
        return video;
    }

    /** What the relay's answer to the shard sends: one audio track (the mix, or the first speaker). */
    public Map<String, SdpAnswerer.Track> sending() {
        return Map.of("audio", new SdpAnswerer.Track(toShardSsrc & 0xFFFFFFFFL, STREAM, BindingPipeline.FIRST_TRACK));
    }

    public void join(long voiceChannelId) {
        link.join(voiceChannelId);
    }

    public VoiceLink link() {
        return link;
    }

    public BindingPipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        link.close();
        pipeline.close();
    }
}
