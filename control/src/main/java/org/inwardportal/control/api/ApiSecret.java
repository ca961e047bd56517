package org.inwardportal.control.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.inwardportal.control.config.Secret;

/**
 * The secret that locks the HTTP API: {@code api.secret}, or when none is configured one the relay
 * makes once and keeps in {@code <data.dir>/api-secret} (owner-only), so the API is never open.
 * Presented secrets are compared in constant time (over their SHA-256, so the length leaks nothing).
 */
public final class ApiSecret {
    public static final String FILE = "api-secret";
    private final byte[] expectedHash;
    private final Path file;

    private ApiSecret(String secret, Path file) {
        this.expectedHash = sha256(secret);
        this.file = file;
    }

    public static ApiSecret configured(Secret secret) {
        return new ApiSecret(secret.reveal(), null);
    }

    /** The secret kept in {@code dataDir}, made on first use. */
    public static ApiSecret generatedIn(Path dataDir) throws IOException {
        Path f = dataDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            Files.createDirectories(dataDir);
            Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on file systems without POSIX permissions
            }
            Files.writeString(tmp, "ips_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\n");
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return new ApiSecret(Files.readString(f, StandardCharsets.UTF_8).strip(), f);
    }

    /** Where a generated secret is kept (null when configured). */
    public Path file() {
        return file;
    }

    /** Whether {@code presented} is the secret, in constant time. */
    public boolean matches(String presented) {
        return MessageDigest.isEqual(sha256(presented == null ? "" : presented), expectedHash);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
