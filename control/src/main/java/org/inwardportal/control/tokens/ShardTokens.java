package org.inwardportal.control.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.inwardportal.signaling.ShardAuthenticator;

/**
 * Shard tokens: created per shard (shown once), stored only as a SHA-256 hash, revocable. A token
 * is checked by hashing it and comparing the hashes in constant time.
 */
public final class ShardTokens implements ShardAuthenticator {
    public static final Pattern SHARD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String PREFIX = "ipt_";

    public record Entry(String shard, String createdAt, String revokedAt) {
    }

    private final java.util.function.Supplier<DataSource> dataSource;
    private final SecureRandom random = new SecureRandom();

    public ShardTokens(DataSource db) {
        this(() -> db);
    }

    /** With the store's data source as it becomes available (the daemon opens the database later). */
    public ShardTokens(java.util.function.Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates (or replaces) the shard's token and returns it: the only time it is ever visible. */
    public String create(String shard) throws SQLException {
        if (!SHARD_ID.matcher(shard).matches()) {
            throw new IllegalArgumentException("a shard id is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try (Connection c = dataSource.get().getConnection()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM shard_tokens WHERE shard = ?")) {
                del.setString(1, shard);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO shard_tokens (shard, token_hash, created_at, revoked_at) VALUES (?, ?, ?, NULL)")) {
                ins.setString(1, shard);
                ins.setString(2, hash(token));
                ins.setString(3, Instant.now().toString());
                ins.executeUpdate();
            }
        }
        return token;
    }

    /** Revokes the shard's token; returns false if it had none (or it was revoked already). */
    public boolean revoke(String shard) throws SQLException {
        try (Connection c = dataSource.get().getConnection();
             PreparedStatement up = c.prepareStatement("UPDATE shard_tokens SET revoked_at = ? WHERE shard = ? AND revoked_at IS NULL")) {
            up.setString(1, Instant.now().toString());
            up.setString(2, shard);
            return up.executeUpdate() > 0;
        }
    }

    public List<Entry> list() throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (Connection c = dataSource.get().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT shard, created_at, revoked_at FROM shard_tokens ORDER BY shard");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) out.add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
        return out;
    }

    @Override
    public boolean authenticate(String shard, String token) {
        byte[] presented = hash(token == null ? "" : token).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = null;
        try (Connection c = dataSource.get().getConnection();
             PreparedStatement q = c.prepareStatement("SELECT token_hash FROM shard_tokens WHERE shard = ? AND revoked_at IS NULL")) {
            q.setString(1, shard);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) stored = rs.getString(1).getBytes(StandardCharsets.US_ASCII);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read shard tokens: " + e.getMessage(), e);
        }
        // Compare against something of the same length even for an unknown shard: no timing difference.
        byte[] against = stored != null ? stored : hash("no such shard").getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, against) && stored != null;
    }
}
