package org.inwardportal.bench.load;

import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.inwardportal.relay.opus.OpusDecoder;
import org.inwardportal.relay.opus.OpusEncoder;
import org.inwardportal.relay.peer.LibWebRtcPeer;

/**
 * One binding of the libwebrtc baseline relay: a peer connection to its shard, on the relay's
 * shared factory, receiving the shard's Opus (libwebrtc decodes it: NetEq, the playout's pull, PCM
 * in this sink) and sending each member's audio as a track of its own (PCM pushed, libwebrtc
 * encodes it); and the Discord side's codec work, every 20 ms on the caller's thread: each member's
 * Opus frame decoded with libopus (stereo, as Discord clients send) and the shard's PCM encoded
 * with libopus toward Discord (stereo 64 kbit/s). The Discord transport itself (UDP, encryption,
 * pacing) is not here: both kinds of relay pay it.
 */
final class BaselineBinding implements AudioTrackSink, AutoCloseable {
    final LibWebRtcPeer peer;
    private final CustomAudioSource[] members;
    private final OpusDecoder[] decoders;
    private final OpusEncoder toDiscord = new OpusEncoder(2, true, 64_000, 0);
    private final OpusClips clips;
    private final ConcurrentLinkedQueue<short[]> fromShard = new ConcurrentLinkedQueue<>();
    private final short[] decoded = new short[OpusDecoder.MAX_SAMPLES_PER_CHANNEL * 2];
    private final short[] mono = new short[OpusClips.FRAME];
    private final short[] stereo = new short[OpusClips.FRAME * 2];
    private final byte[] packet = new byte[1275];
    private final byte[] scratch = new byte[960];
    private int pending; // mono samples of the shard waiting in `stereo` for a 20 ms frame
    private long tick;
    /** 10 ms chunks of the shard's audio decoded by libwebrtc, and their mean square (energy). */
    final AtomicLong chunksFromShard = new AtomicLong();
    final DoubleAdder meanSquareSum = new DoubleAdder();
    final AtomicLong framesToDiscord = new AtomicLong(), memberFramesDecoded = new AtomicLong(), chunksToShard = new AtomicLong();
    /** Wall time spent in libwebrtc's push calls: where the codec threads wait when libwebrtc's send side does not keep up. */
    final AtomicLong pushNanos = new AtomicLong();

    BaselineBinding(LibWebRtcPeer.Host host, OpusClips clips, int memberCount) {
        this.clips = clips;
        this.peer = LibWebRtcPeer.answering(host, this);
        this.members = new CustomAudioSource[memberCount];
        this.decoders = new OpusDecoder[memberCount];
        for (int m = 0; m < memberCount; m++) {
            members[m] = peer.addSendTrack("member-" + m, "discord");
            decoders[m] = new OpusDecoder(2);
        }
    }

    /** libwebrtc's playout thread, 10 ms of the shard's decoded audio: handed to the codec thread, as a relay would. */
    @Override
    public void onData(byte[] data, int bits, int rate, int channels, int frames) {
        short[] pcm = new short[frames];
        for (int i = 0; i < frames; i++) pcm[i] = (short) ((data[2 * i * channels] & 0xff) | (data[2 * i * channels + 1] << 8));
        fromShard.add(pcm);
        chunksFromShard.incrementAndGet();
        meanSquareSum.add(WebRtcRelayBaseline.meanSquare(data, channels, frames));
    }

    /** One 20 ms tick: the members' frames from Discord decoded and pushed toward the shard, the shard's audio encoded toward Discord. */
    void tick() {
        int frame = (int) (tick++ % OpusClips.CYCLE);
        for (int m = 0; m < members.length; m++) {
            byte[] p = clips.frame(1 + m, frame);
            int n = decoders[m].decode(p, p.length, decoded);
            for (int s = 0; s < n; s++) mono[s] = (short) ((decoded[2 * s] + decoded[2 * s + 1]) >> 1);
            memberFramesDecoded.incrementAndGet();
            for (int off = 0; off + 480 <= n; off += 480) {
                long t0 = System.nanoTime();
                LibWebRtcPeer.push(members[m], mono, off, scratch);
                pushNanos.addAndGet(System.nanoTime() - t0);
                chunksToShard.incrementAndGet();
            }
        }
        for (short[] c; (c = fromShard.poll()) != null; ) {
            for (short v : c) {
                stereo[2 * pending] = stereo[2 * pending + 1] = v;
                if (++pending == OpusClips.FRAME) {
                    if (toDiscord.encode(stereo, OpusClips.FRAME, packet) <= 0) throw new IllegalStateException("empty encode");
                    framesToDiscord.incrementAndGet();
                    pending = 0;
                }
            }
        }
    }

    @Override
    public void close() {
        toDiscord.close();
        for (OpusDecoder d : decoders) d.close();
    }
}
