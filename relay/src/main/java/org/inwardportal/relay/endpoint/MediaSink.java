package org.inwardportal.relay.endpoint;

import org.inwardportal.relay.rtp.MediaFrame;

/**
 * Where the endpoint delivers a session's media and lifecycle (the binding pipeline, tests).
 * Called on the endpoint's event loop: must not block; the frame is valid only during the call.
 */
public interface MediaSink {
    void onMedia(PeerSession session, MediaFrame frame);

    default void onConnected(PeerSession session) {
    }

    /** A decrypted RTCP compound packet (RFC 3550 §6) from the peer; valid only during the call. */
    default void onRtcp(PeerSession session, io.netty.buffer.ByteBuf compound) {
    }

    default void onClosed(PeerSession session, String reason) {
    }

    MediaSink DISCARD = (s, f) -> { };

    /** Both sinks, {@code first} first, for every call (e.g. a shard's audio to its binding, its video to the SFU). */
    static MediaSink both(MediaSink first, MediaSink second) {
        return new MediaSink() {
            @Override
            public void onMedia(PeerSession s, MediaFrame f) {
                first.onMedia(s, f);
                second.onMedia(s, f);
            }

            @Override
            public void onConnected(PeerSession s) {
                first.onConnected(s);
                second.onConnected(s);
            }

            @Override
            public void onRtcp(PeerSession s, io.netty.buffer.ByteBuf compound) {
                first.onRtcp(s, compound);
                second.onRtcp(s, compound);
            }

            @Override
            public void onClosed(PeerSession s, String reason) {
                first.onClosed(s, reason);
                second.onClosed(s, reason);
            }
        };
    }
}
