package org.inwardportal.signaling;

/** The {@code code} of an {@code error} message: the session stays open after each of these. */
public enum ErrorCode {
    MALFORMED_JSON, UNKNOWN_TYPE, MISSING_FIELD, INVALID_FIELD, NOT_AUTHENTICATED, BAD_SDP, NO_SESSION;

    public String wire() {
        return name().toLowerCase();
    }
}
