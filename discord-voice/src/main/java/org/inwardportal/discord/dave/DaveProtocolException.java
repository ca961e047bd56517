package org.inwardportal.discord.dave;

/** A DAVE voice-gateway message that was refused: it does not parse, or breaks a rule of the whitepaper or RFC 9420. */
public final class DaveProtocolException extends Exception {
    public DaveProtocolException(String message) {
        super(message, null, false, false);
    }
}
