package org.inwardportal.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.inwardportal.control.lifecycle.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versioned migrations on both stores, for real: an SQLite file and the PostgreSQL that scripts/test starts. */
class DatabaseTest {
    /** The newest migration in db/migration; raise it with each new V*.sql. */
    static final int LATEST_SCHEMA = 6;

    @TempDir
    Path dir;

    @Test
    void embeddedFileIsCreatedMigratedAndKeepsItsIdentityAcrossRestarts() throws Exception {
        DatabaseUrl url = DatabaseUrl.embedded(dir.resolve("nested/data/portal.db"));
        String firstId = runOnce(url);
        assertThat(Files.isRegularFile(dir.resolve("nested/data/portal.db"))).isTrue();
        assertThat(runOnce(url)).as("restart reuses the store").isEqualTo(firstId);
        try (Connection c = DriverManager.getConnection(url.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank")) {
            java.util.List<String> versions = new java.util.ArrayList<>();
            while (rs.next()) versions.add(rs.getString(1));
            assertThat(versions).containsExactly("1", "2", "3", "4", "5", "6");
        }
    }

    @Test
    void postgresqlGetsTheSameMigrations() throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.freshPostgresql(dir);
        DatabaseUrl url = fresh.url();
        String jdbc = fresh.jdbc();
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.POSTGRESQL);
        String firstId = runOnce(url);
        assertThat(runOnce(url)).isEqualTo(firstId);
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM settings")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.executeQuery("SELECT shard, token_hash, created_at, revoked_at FROM shard_tokens").close(); // V2 applied on PostgreSQL too
        }
    }

    private static String runOnce(DatabaseUrl url) throws Exception {
        Database db = new Database(url, 2, null);
        try {
            db.start();
            Health h = db.health();
            assertThat(h.state()).isEqualTo(Health.State.READY);
            assertThat(h.detail()).contains("schema v" + LATEST_SCHEMA);
            return db.instanceId();
        } finally {
            db.stop(Duration.ofSeconds(2));
            assertThat(db.health().state()).isEqualTo(Health.State.STOPPED);
        }
    }
}
