package org.inwardportal.control.binding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Per bound world and UTC day: sessions, peak players and the audio carried each way (table
 * {@code world_stats_daily}, migration V5). Adds are read-modify-write under one lock: one relay
 * writes a binding's rows (a binding lives in one relay).
 */
public final class WorldStatsStore {
    private final Supplier<DataSource> dataSource;

    /** A period's totals. */
    public record Totals(int days, int sessions, int peakPlayers, long discordAudioMs, long worldAudioMs) {
    }

    public WorldStatsStore(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    private Connection connect() throws SQLException {
        DataSource db = dataSource.get();
        if (db == null) throw new SQLException("the store is not open");
        return db.getConnection();
    }

    /** Adds to a day's row (made when missing); {@code players} raises the peak when higher. */
    public synchronized void add(String bindingId, LocalDate day, int sessions, int players, long discordAudioMs, long worldAudioMs)
            throws SQLException {
        try (Connection c = connect()) {
            try (PreparedStatement up = c.prepareStatement("UPDATE world_stats_daily SET sessions = sessions + ?, "
                    + "peak_players = CASE WHEN peak_players < ? THEN ? ELSE peak_players END, "
                    + "discord_audio_ms = discord_audio_ms + ?, world_audio_ms = world_audio_ms + ? WHERE binding_id = ? AND day = ?")) {
                up.setInt(1, sessions);
                up.setInt(2, players);
                up.setInt(3, players);
                up.setLong(4, discordAudioMs);
                up.setLong(5, worldAudioMs);
                up.setString(6, bindingId);
                up.setString(7, day.toString());
                if (up.executeUpdate() > 0) return;
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO world_stats_daily "
                    + "(binding_id, day, sessions, peak_players, discord_audio_ms, world_audio_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                ins.setString(1, bindingId);
                ins.setString(2, day.toString());
                ins.setInt(3, sessions);
                ins.setInt(4, Math.max(0, players));
                ins.setLong(5, discordAudioMs);
                ins.setLong(6, worldAudioMs);
                ins.executeUpdate();
            }
        }
    }

    /** Totals of the days from {@code from} to {@code to}, both included (ISO dates compare as text). */
    public Totals totals(String bindingId, LocalDate from, LocalDate to) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(sessions), 0), "
                + "COALESCE(MAX(peak_players), 0), COALESCE(SUM(discord_audio_ms), 0), COALESCE(SUM(world_audio_ms), 0) "
                + "FROM world_stats_daily WHERE binding_id = ? AND day >= ? AND day <= ?")) {
            q.setString(1, bindingId);
            q.setString(2, from.toString());
            q.setString(3, to.toString());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return new Totals(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getLong(5));
            }
        }
    }

    /** Forgets a removed binding's days. */
    public void forget(String bindingId) throws SQLException {
        try (Connection c = connect(); PreparedStatement del = c.prepareStatement("DELETE FROM world_stats_daily WHERE binding_id = ?")) {
            del.setString(1, bindingId);
            del.executeUpdate();
        }
    }
}
