package org.inwardportal.relay.ice;

/** A datagram that claims to be STUN but is not well formed (RFC 5389 §6, §15). */
public final class StunException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunException(String message) {
        super(message, null, false, false);
    }
}
