package org.inwardportal.control.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A configured secret (token, password). It never prints itself, and compares in constant time:
 * both sides are hashed first, so neither the content nor the length leaks through timing.
 */
public final class Secret {
    public static final String REDACTED = "<redacted>";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
        return new Secret(value);
    }

    /** The secret itself, for handing to the component that needs it. Never log the result. */
    public String reveal() {
        return value;
    }

    public int length() {
        return value.length();
    }

    /** Constant-time comparison with a presented candidate (null never matches). */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(value), sha256(candidate));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
