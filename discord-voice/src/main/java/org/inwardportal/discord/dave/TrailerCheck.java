package org.inwardportal.discord.dave;

/**
 * Outcome of the whitepaper's "Protocol Frame Check" on one frame: {@link #PROTOCOL_FRAME}, or why
 * the frame is not one. A frame that is not a protocol frame may be passed through (passthrough
 * mode), never decrypted.
 */
public enum TrailerCheck {
    PROTOCOL_FRAME("a DAVE protocol frame"),
    TOO_SHORT("shorter than the smallest supplemental data (11 bytes)"),
    NO_MAGIC_MARKER("does not end in the magic marker FA FA"),
    SUPPLEMENTAL_SIZE_TOO_SMALL("supplemental data size is below the minimum"),
    SUPPLEMENTAL_SIZE_TOO_LARGE("supplemental data size is larger than the frame"),
    MALFORMED_NONCE("the truncated nonce is not a valid ULEB128 value of at most 32 bits"),
    MALFORMED_RANGES("the unencrypted ranges are not valid ULEB128 offset/size pairs"),
    RANGES_OUT_OF_ORDER("the unencrypted ranges overlap, are not in ascending order or pass the end of the media frame"),
    TOO_MANY_RANGES("more unencrypted ranges than the supplemental data can hold");

    private final String description;

    TrailerCheck(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
