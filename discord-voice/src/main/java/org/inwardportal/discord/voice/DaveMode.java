package org.inwardportal.discord.voice;

import java.util.Locale;

/** The configured DAVE implementation ({@code dave = auto | libdave | java | off}). */
public enum DaveMode {
    /** libdave when it loads here, else the pure-Java session. */
    AUTO,
    /** libdave (through jdave) or nothing: refuse to start when it cannot load. */
    LIBDAVE,
    /** The pure-Java session (BouncyCastle MLS and our frame layer), even where libdave loads. */
    JAVA,
    /** No DAVE (protocol version 0): only the local stand-in accepts that; Discord closes with 4017. */
    OFF;

    public static DaveMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("dave must be auto, libdave, java or off, not '" + value + "'");
        }
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
