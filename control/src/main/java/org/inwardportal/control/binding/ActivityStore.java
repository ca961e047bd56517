package org.inwardportal.control.binding;

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
import org.inwardportal.control.store.StoredTime;

/** When bound worlds were last occupied, and who wants a DM when one opens. Thread-safe. */
public final class ActivityStore {
    private final Supplier<DataSource> dataSource;

    public ActivityStore(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    private Connection connect() throws SQLException {
        DataSource db = dataSource.get();
        if (db == null) throw new SQLException("the store is not open");
        return db.getConnection();
    }

    public Optional<Instant> lastActive(String bindingId) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("SELECT last_active_at FROM binding_activity WHERE binding_id = ?")) {
            q.setString(1, bindingId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(Instant.parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Records the world occupied at {@code at} (and, when {@code notified}, that its opening was announced). */
    public void active(String bindingId, Instant at, boolean notified) throws SQLException {
        try (Connection c = connect()) {
            try (PreparedStatement up = c.prepareStatement("UPDATE binding_activity SET last_active_at = ?"
                    + (notified ? ", notified_at = ?" : "") + " WHERE binding_id = ?")) {
                up.setString(1, StoredTime.of(at));
                if (notified) up.setString(2, StoredTime.of(at));
                up.setString(notified ? 3 : 2, bindingId);
                if (up.executeUpdate() > 0) return;
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO binding_activity (binding_id, last_active_at, notified_at) VALUES (?, ?, ?)")) {
                ins.setString(1, bindingId);
                ins.setString(2, StoredTime.of(at));
                ins.setString(3, notified ? StoredTime.of(at) : null);
                ins.executeUpdate();
            }
        }
    }

    /** Subscribes (true) or unsubscribes a member; returns whether anything changed. */
    public boolean subscribe(String bindingId, long userId, boolean on) throws SQLException {
        try (Connection c = connect()) {
            if (!on) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM notify_subscriptions WHERE binding_id = ? AND user_id = ?")) {
                    del.setString(1, bindingId);
                    del.setString(2, Long.toString(userId));
                    return del.executeUpdate() > 0;
                }
            }
            if (subscribers(c, bindingId).contains(userId)) return false;
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO notify_subscriptions (binding_id, user_id, created_at) VALUES (?, ?, ?)")) {
                ins.setString(1, bindingId);
                ins.setString(2, Long.toString(userId));
                ins.setString(3, StoredTime.of(Instant.now()));
                ins.executeUpdate();
                return true;
            }
        }
    }

    public List<Long> subscribers(String bindingId) throws SQLException {
        try (Connection c = connect()) {
            return subscribers(c, bindingId);
        }
    }

    private static List<Long> subscribers(Connection c, String bindingId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT user_id FROM notify_subscriptions WHERE binding_id = ? ORDER BY created_at")) {
            q.setString(1, bindingId);
            try (ResultSet rs = q.executeQuery()) {
                List<Long> out = new ArrayList<>();
                while (rs.next()) out.add(Long.parseLong(rs.getString(1)));
                return out;
            }
        }
    }

    /** Forgets a removed binding's activity and subscriptions. */
    public void forget(String bindingId) throws SQLException {
        try (Connection c = connect()) {
            for (String table : List.of("binding_activity", "notify_subscriptions")) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE binding_id = ?")) {
                    del.setString(1, bindingId);
                    del.executeUpdate();
                }
            }
        }
    }
}
