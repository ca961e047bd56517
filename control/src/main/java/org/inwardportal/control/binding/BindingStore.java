package org.inwardportal.control.binding;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.inwardportal.control.store.StoredTime;
import org.inwardportal.relay.binding.BindingPipeline;

/** Bindings in the relay's store (embedded SQLite or PostgreSQL, the same SQL). Thread-safe. */
public final class BindingStore {
    /** The voice channel or the shard is bound already. */
    public static final class Conflict extends Exception {
        public Conflict(String message) {
            super(message);
        }
    }

    private static final String COLUMNS = "id, guild_id, voice_channel_id, text_channel_id, shard, display_name, to_shard,"
            + " notifications, chat_bridge, created_by, created_at";
    private final java.util.function.Supplier<DataSource> dataSource;
    private final SecureRandom random = new SecureRandom();

    public BindingStore(DataSource db) {
        this(() -> db);
    }

    /** With the store's data source as it becomes available (the daemon opens the database later). */
    public BindingStore(java.util.function.Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    private Connection connect() throws SQLException {
        DataSource db = dataSource.get();
        if (db == null) throw new SQLException("the store is not open");
        return db.getConnection();
    }

    /** A fresh binding id. */
    public String newId() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return "b-" + HexFormat.of().formatHex(b);
    }

    /** Stores a new binding; a voice channel or shard that is bound already is a {@link Conflict}. */
    public void insert(Binding b) throws SQLException, Conflict {
        try (Connection c = connect()) {
            Optional<Binding> channel = query(c, "voice_channel_id = ?", Long.toString(b.voiceChannelId())).stream().findFirst();
            if (channel.isPresent()) throw new Conflict("that voice channel is bound to " + channel.get().shard() + " already");
            Optional<Binding> shard = query(c, "shard = ?", b.shard()).stream().findFirst();
            if (shard.isPresent()) throw new Conflict("shard " + b.shard() + " is bound to another voice channel already");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO bindings (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ins.setString(1, b.id());
                ins.setString(2, Long.toString(b.guildId()));
                ins.setString(3, Long.toString(b.voiceChannelId()));
                ins.setString(4, b.textChannelId() == null ? null : Long.toString(b.textChannelId()));
                ins.setString(5, b.shard());
                ins.setString(6, b.displayName());
                ins.setString(7, b.toShard().name().toLowerCase(Locale.ROOT));
                ins.setInt(8, b.notifications() ? 1 : 0);
                ins.setInt(9, b.chatBridge() ? 1 : 0);
                ins.setString(10, b.createdBy());
                ins.setString(11, StoredTime.of(b.createdAt()));
                ins.executeUpdate();
            } catch (SQLException e) {
                // a concurrent insert won the race past the checks above: the unique constraints speak
                if (!query(c, "voice_channel_id = ? OR shard = ?", Long.toString(b.voiceChannelId()), b.shard()).isEmpty()) {
                    throw new Conflict("that voice channel or shard was bound a moment ago");
                }
                throw e;
            }
        }
    }

    /** Changes a binding's options; false if it does not exist. */
    public boolean update(Binding b) throws SQLException {
        try (Connection c = connect();
             PreparedStatement up = c.prepareStatement("UPDATE bindings SET to_shard = ?, notifications = ?, chat_bridge = ?,"
                     + " display_name = ?, text_channel_id = ? WHERE id = ?")) {
            up.setString(1, b.toShard().name().toLowerCase(Locale.ROOT));
            up.setInt(2, b.notifications() ? 1 : 0);
            up.setInt(3, b.chatBridge() ? 1 : 0);
            up.setString(4, b.displayName());
            up.setString(5, b.textChannelId() == null ? null : Long.toString(b.textChannelId()));
            up.setString(6, b.id());
            return up.executeUpdate() > 0;
        }
    }

    /** Deletes a binding (and its pause); false if there was none. */
    public boolean delete(String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement del = c.prepareStatement("DELETE FROM bindings WHERE id = ?");
             PreparedStatement unpause = c.prepareStatement("DELETE FROM binding_pauses WHERE binding_id = ?")) {
            unpause.setString(1, id);
            unpause.executeUpdate();
            del.setString(1, id);
            return del.executeUpdate() > 0;
        }
    }

    /** Records a binding's bridging as paused or running. */
    public void paused(String id, boolean paused, java.time.Instant at) throws SQLException {
        try (Connection c = connect(); PreparedStatement del = c.prepareStatement("DELETE FROM binding_pauses WHERE binding_id = ?")) {
            del.setString(1, id);
            del.executeUpdate();
            if (!paused) return;
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO binding_pauses (binding_id, paused_at) VALUES (?, ?)")) {
                ins.setString(1, id);
                ins.setString(2, StoredTime.of(at));
                ins.executeUpdate();
            }
        }
    }

    /** Whether a binding's bridging was left paused. */
    public boolean paused(String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("SELECT 1 FROM binding_pauses WHERE binding_id = ?")) {
            q.setString(1, id);
            try (var rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    public List<Binding> all() throws SQLException {
        try (Connection c = connect()) {
            return query(c, null);
        }
    }

    public Optional<Binding> byId(String id) throws SQLException {
        return one("id = ?", id);
    }

    public Optional<Binding> byShard(String shard) throws SQLException {
        return one("shard = ?", shard);
    }

    public Optional<Binding> byVoiceChannel(long channelId) throws SQLException {
        return one("voice_channel_id = ?", Long.toString(channelId));
    }

    /** Bindings whose voice or text channel is this one. */
    public List<Binding> byChannel(long channelId) throws SQLException {
        try (Connection c = connect()) {
            String id = Long.toString(channelId);
            return query(c, "voice_channel_id = ? OR text_channel_id = ?", id, id);
        }
    }

    public List<Binding> byGuild(long guildId) throws SQLException {
        try (Connection c = connect()) {
            return query(c, "guild_id = ?", Long.toString(guildId));
        }
    }

    private Optional<Binding> one(String where, String arg) throws SQLException {
        try (Connection c = connect()) {
            return query(c, where, arg).stream().findFirst();
        }
    }

    private static List<Binding> query(Connection c, String where, String... args) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM bindings" + (where == null ? "" : " WHERE " + where) + " ORDER BY created_at, id";
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) q.setString(i + 1, args[i]);
            try (ResultSet rs = q.executeQuery()) {
                List<Binding> out = new ArrayList<>();
                while (rs.next()) {
                    String text = rs.getString(4);
                    out.add(new Binding(rs.getString(1), Long.parseLong(rs.getString(2)), Long.parseLong(rs.getString(3)),
                            text == null ? null : Long.parseLong(text), rs.getString(5), rs.getString(6),
                            BindingPipeline.ToShard.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)), rs.getInt(8) != 0,
                            rs.getInt(9) != 0, rs.getString(10), Instant.parse(rs.getString(11))));
                }
                // rows written before StoredTime (variable fraction digits) may be out of time order as text
                out.sort(java.util.Comparator.comparing(Binding::createdAt).thenComparing(Binding::id));
                return out;
            }
        }
    }
}
