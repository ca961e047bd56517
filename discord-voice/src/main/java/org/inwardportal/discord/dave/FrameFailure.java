package org.inwardportal.discord.dave;

/** Why a frame could not be encrypted or decrypted (no secrets, no frame content in these). */
public enum FrameFailure {
    NONE("no failure"),
    MISSING_KEY_RATCHET("no key ratchet for this sender yet (not in the MLS group, or no epoch)"),
    NOT_A_PROTOCOL_FRAME("not a DAVE protocol frame and passthrough is off"),
    REPLAYED_NONCE("this nonce was already decrypted, or is too old to tell"),
    GENERATION_UNAVAILABLE("no key for the frame's generation (erased, too far ahead, or beyond what the ratchet can have reached)"),
    AUTHENTICATION_FAILED("the authentication tag does not verify (wrong key, or the frame was changed)"),
    OUTPUT_TOO_SMALL("the output buffer is too small"),
    FRAME_TOO_LARGE("the frame is larger than the buffers this transform was made with");

    private final String description;

    FrameFailure(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
