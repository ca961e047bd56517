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
}
