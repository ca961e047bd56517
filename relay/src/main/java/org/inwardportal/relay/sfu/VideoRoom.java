package org.inwardportal.relay.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.inwardportal.relay.endpoint.MediaEndpoint;
import org.inwardportal.relay.endpoint.MediaSink;
import org.inwardportal.relay.endpoint.PeerSession;
import org.inwardportal.relay.rtp.MediaFrame;
import org.inwardportal.relay.rtp.Rtcp;
import org.inwardportal.relay.sdp.MediaSection;
import org.inwardportal.relay.sdp.SdpAnswerer;

/**
 * Selective forwarding of one room's video: the publisher's (the shard's) VP8/H.264 packets go to
 * every subscriber untouched but for the RTP header: SSRC and payload type rewritten to what each
 * subscriber negotiated, sequence numbers and timestamps kept continuous across publisher changes,
 * header extensions dropped (their ids are per session). A new subscriber, or a subscriber's
 * PLI/FIR, sends a PLI to the publisher so a keyframe comes at once; a subscriber's NACK is served
 * from the packet history. All calls come on the endpoint's event loop.
 */
public final class VideoRoom {
    static final int HISTORY = 512;
    static final int RELAY_SSRC = 0x1e1a7;

    private final MediaEndpoint endpoint;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final PacketHistory history = new PacketHistory(HISTORY, 1500);
    private volatile PeerSession publisher;
    private volatile int publisherSsrc;
    private volatile int publisherVp8Pt = -1;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong retransmitted = new AtomicLong();
    private final AtomicLong keyframeRequests = new AtomicLong();

    /** One viewer: the SSRC and payload types it was promised in its answer. */
    private static final class Subscriber {
        final PeerSession session;
        final int ssrc;
        final int vp8;
        final int h264;
        int seqOffset;
        long tsOffset;
        int lastSourceSsrc;
        int lastOutSeq = -1;
        long lastOutTs;

        Subscriber(PeerSession session, int ssrc, int vp8, int h264) {
            this.session = session;
            this.ssrc = ssrc;
            this.vp8 = vp8;
            this.h264 = h264;
        }
    }

    public VideoRoom(MediaEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Video packets that came from the publisher. */
    public long received() {
        return received.get();
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long retransmitted() {
        return retransmitted.get();
    }

    public long keyframeRequests() {
        return keyframeRequests.get();
    }

    public void publisher(PeerSession s) {
        publisher = s;
    }

    /** The sink for the publishing peer's session: its video is forwarded. */
    public MediaSink publisherSink() {
        return new MediaSink() {
            @Override
            public void onConnected(PeerSession s) {
                publisher(s);
            }

            @Override
            public void onMedia(PeerSession s, MediaFrame f) {
                if (f.kind == MediaFrame.Kind.VIDEO) onPublisherVideo(f, isVp8(s, f.payloadType));
            }
        };
    }

    /** The sink for a viewer's session, which was answered with {@code track} as its video stream. */
    public MediaSink subscriberSink(SdpAnswerer.Track track) {
        return new MediaSink() {
            @Override
            public void onConnected(PeerSession s) {
                subscribe(s, track);
            }

            @Override
            public void onMedia(PeerSession s, MediaFrame f) {
                // viewers' own media (push-to-talk audio) is the pipeline's business, not the SFU's
            }

            @Override
            public void onRtcp(PeerSession s, ByteBuf compound) {
                onSubscriberRtcp(s, compound);
            }

            @Override
            public void onClosed(PeerSession s, String reason) {
                unsubscribe(s);
            }
        };
    }

    private static boolean isVp8(PeerSession s, int payloadType) {
        for (SdpAnswerer.Accepted a : s.answer().accepted()) {
            for (MediaSection.Codec c : a.codecs()) {
                if (c.payloadType() == payloadType) return c.is("VP8");
            }
        }
        return false;
    }

    /** Adds a viewer whose answer promised {@code track} as its video stream; asks the publisher for a keyframe. */
    public void subscribe(PeerSession s, SdpAnswerer.Track track) {
        int vp8 = -1;
        int h264 = -1;
        for (SdpAnswerer.Accepted a : s.answer().accepted()) {
            if (!a.kind().equals("video")) continue;
            for (MediaSection.Codec c : a.codecs()) {
                if (c.is("VP8")) vp8 = c.payloadType();
                if (c.is("H264")) h264 = c.payloadType();
            }
        }
        subscribers.add(new Subscriber(s, (int) track.ssrc(), vp8, h264));
        requestKeyframe();
    }

    public void unsubscribe(PeerSession s) {
        subscribers.removeIf(x -> x.session == s);
    }

    private void requestKeyframe() {
        PeerSession p = publisher;
        if (p == null || publisherSsrc == 0) return;
        keyframeRequests.incrementAndGet();
        endpoint.sendRtcp(p, Rtcp.pli(PooledByteBufAllocator.DEFAULT.buffer(12), RELAY_SSRC, publisherSsrc));
    }

    /** A video frame from the publisher: remembered for NACKs and forwarded to every subscriber. */
    public void onPublisherVideo(MediaFrame f, boolean isVp8) {
        received.incrementAndGet();
        boolean firstPacket = publisherSsrc == 0;
        publisherSsrc = f.ssrc;
        if (isVp8) publisherVp8Pt = f.payloadType;
        ByteBuf b = f.buffer;
        history.store(f.sequence, b, b.readerIndex(), f.payloadOffset + f.payloadLength - b.readerIndex());
        if (firstPacket && !subscribers.isEmpty()) requestKeyframe();
        for (Subscriber sub : subscribers) {
            int pt = isVp8 ? sub.vp8 : sub.h264;
            if (pt < 0) continue;
            if (sub.lastSourceSsrc != f.ssrc) {
                // A new source: continue this subscriber's sequence and timestamp where they left off.
                sub.seqOffset = sub.lastOutSeq < 0 ? 0 : (sub.lastOutSeq + 1 - f.sequence);
                sub.tsOffset = sub.lastOutSeq < 0 ? 0 : (sub.lastOutTs + 3000 - f.timestamp);
                sub.lastSourceSsrc = f.ssrc;
            }
            int seq = (f.sequence + sub.seqOffset) & 0xffff;
            long ts = (f.timestamp + sub.tsOffset) & 0xffffffffL;
            sub.lastOutSeq = seq;
            sub.lastOutTs = ts;
            ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(12 + f.payloadLength + 32);
            out.writeByte(0x80).writeByte((f.marker ? 0x80 : 0) | pt).writeShort(seq).writeInt((int) ts).writeInt(sub.ssrc)
                    .writeBytes(b, f.payloadOffset, f.payloadLength);
            endpoint.send(sub.session, out);
            forwarded.incrementAndGet();
        }
    }

    /** RTCP from a subscriber: PLI/FIR go on to the publisher, NACKs are answered from history. */
    public void onSubscriberRtcp(PeerSession s, ByteBuf compound) {
        Subscriber sub = null;
        for (Subscriber x : subscribers) if (x.session == s) sub = x;
        if (sub == null) return;
        Subscriber target = sub;
        Rtcp.forEach(compound, (b, at, type, fmt, length) -> {
            if (type == Rtcp.PSFB && (fmt == Rtcp.FMT_PLI || fmt == Rtcp.FMT_FIR)) {
                requestKeyframe();
            } else if (type == Rtcp.RTPFB && fmt == Rtcp.FMT_NACK) {
                Rtcp.forEachNacked(b, at, length, outSeq -> retransmit(target, outSeq));
            }
        });
    }

    private void retransmit(Subscriber sub, int outSeq) {
        int sourceSeq = (outSeq - sub.seqOffset) & 0xffff;
        ByteBuf original = PooledByteBufAllocator.DEFAULT.buffer(1500);
        if (!history.copy(sourceSeq, original)) {
            original.release();
            return;
        }
        // Rebuild the header for this subscriber, as the first forward did.
        int hdr = 12 + 4 * (original.getUnsignedByte(0) & 0x0f);
        if ((original.getUnsignedByte(0) & 0x10) != 0) hdr += 4 + 4 * original.getUnsignedShort(hdr + 2);
        boolean marker = (original.getUnsignedByte(1) & 0x80) != 0;
        int pt = (original.getUnsignedByte(1) & 0x7f) == publisherVp8Pt ? sub.vp8 : sub.h264;
        if (pt < 0) {
            original.release();
            return;
        }
        long ts = (original.getUnsignedInt(4) + sub.tsOffset) & 0xffffffffL;
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(original.readableBytes() + 32);
        out.writeByte(0x80).writeByte((marker ? 0x80 : 0) | pt).writeShort(outSeq).writeInt((int) ts).writeInt(sub.ssrc)
                .writeBytes(original, hdr, original.readableBytes() - hdr);
        original.release();
        endpoint.send(sub.session, out);
        retransmitted.incrementAndGet();
    }
}
