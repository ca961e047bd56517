package org.inwardportal.control.discord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Where each guild's status board is (table {@code status_boards}, migration V6): one per guild. */
public final class StatusBoardStore {
    private final Supplier<DataSource> dataSource;

    /** A board: the message that lists the guild's worlds. */
    public record Board(long guildId, long channelId, long messageId) {
    }

    public StatusBoardStore(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    private Connection connect() throws SQLException {
        DataSource db = dataSource.get();
        if (db == null) throw new SQLException("the store is not open");
        return db.getConnection();
    }

    /** Keeps the guild's board (replacing one it had); returns the one replaced, if any. */
    public synchronized Optional<Board> put(Board b, String createdBy) throws SQLException {
        Optional<Board> old = get(b.guildId());
        try (Connection c = connect()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM status_boards WHERE guild_id = ?")) {
                del.setString(1, Long.toString(b.guildId()));
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO status_boards (guild_id, channel_id, message_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ins.setString(1, Long.toString(b.guildId()));
                ins.setString(2, Long.toString(b.channelId()));
                ins.setString(3, Long.toString(b.messageId()));
                ins.setString(4, createdBy);
                ins.setString(5, Instant.now().toString());
                ins.executeUpdate();
            }
        }
        return old;
    }

    public Optional<Board> get(long guildId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement q = c.prepareStatement("SELECT channel_id, message_id FROM status_boards WHERE guild_id = ?")) {
            q.setString(1, Long.toString(guildId));
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(new Board(guildId, Long.parseLong(rs.getString(1)), Long.parseLong(rs.getString(2))))
                        : Optional.empty();
            }
        }
    }

    public List<Board> all() throws SQLException {
        try (Connection c = connect();
             PreparedStatement q = c.prepareStatement("SELECT guild_id, channel_id, message_id FROM status_boards ORDER BY guild_id");
             ResultSet rs = q.executeQuery()) {
            List<Board> out = new ArrayList<>();
            while (rs.next()) out.add(new Board(Long.parseLong(rs.getString(1)), Long.parseLong(rs.getString(2)), Long.parseLong(rs.getString(3))));
            return out;
        }
    }

    /** Forgets the guild's board if it is still {@code messageId}; false if it was not. */
    public synchronized boolean remove(long guildId, long messageId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement del = c.prepareStatement("DELETE FROM status_boards WHERE guild_id = ? AND message_id = ?")) {
            del.setString(1, Long.toString(guildId));
            del.setString(2, Long.toString(messageId));
            return del.executeUpdate() > 0;
        }
    }
}
