package org.inwardportal.relay.sdp;

/** An SDP that cannot be used, with the line and reason (for the signaling error message). */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    public SdpException(String message) {
        super(message, null, false, false);
    }
}
