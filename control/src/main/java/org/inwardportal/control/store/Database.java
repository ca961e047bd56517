package org.inwardportal.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.inwardportal.control.lifecycle.Component;
import org.inwardportal.control.lifecycle.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's state store: a connection pool on the embedded SQLite file or PostgreSQL, with the
 * schema brought up to date by Flyway's versioned migrations ({@code db/migration/V*.sql}, written
 * in SQL both engines accept).
 */
public final class Database implements Component {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final DatabaseUrl url;
    private final int poolSize;
    private final MeterRegistry registry;
    private volatile HikariDataSource pool;
    private volatile Health health = Health.starting();
    private volatile String instanceId;

    public Database(DatabaseUrl url, int poolSize, MeterRegistry registry) {
        this.url = url;
        this.poolSize = poolSize;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public void start() throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("portal-db");
        hc.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(hc::setUsername);
        url.password().ifPresent(p -> hc.setPassword(p.reveal()));
        hc.setMaximumPoolSize(poolSize);
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        if (url.kind() == DatabaseUrl.Kind.SQLITE) {
            Path parent = url.sqliteFile().toAbsolutePath().getParent();
            Files.createDirectories(parent);
            // WAL lets readers run beside the one writer; busy_timeout waits instead of failing at once.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "5000");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.addDataSourceProperty("synchronous", "NORMAL");
        }
        if (registry != null) {
            hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
        pool = new HikariDataSource(hc);
        MigrateResult result = migrate(pool);
        instanceId = ensureInstanceId(pool);
        health = Health.ready(url.describe() + ", schema v" + schemaVersion(result));
        log.info("database ready: {}, schema version {} ({} migration(s) applied now)",
                url.describe(), schemaVersion(result), result.migrationsExecuted);
    }

    private static String schemaVersion(MigrateResult result) {
        return result.targetSchemaVersion != null ? result.targetSchemaVersion
                : result.initialSchemaVersion != null ? result.initialSchemaVersion : "0";
    }

    /** Applies every pending migration; the same files serve SQLite and PostgreSQL. */
    public static MigrateResult migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    private static String ensureInstanceId(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement q = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
                q.setString(1, "instance.id");
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1);
                    }
                }
            }
            String id = UUID.randomUUID().toString();
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)")) {
                ins.setString(1, "instance.id");
                ins.setString(2, id);
                ins.setString(3, Instant.now().toString());
                ins.executeUpdate();
            }
            return id;
        }
    }

    /** A setting's value, created with {@code initial} (and stored) the first time it is asked for. */
    public String setting(String name, java.util.function.Supplier<String> initial) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement q = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
                q.setString(1, name);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) return rs.getString(1);
                }
            }
            String value = initial.get();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)")) {
                ins.setString(1, name);
                ins.setString(2, value);
                ins.setString(3, Instant.now().toString());
                ins.executeUpdate();
            }
            return value;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** A stable id for this relay's store, created with the schema. */
    public String instanceId() {
        return instanceId;
    }

    @Override
    public void stop(Duration budget) {
        HikariDataSource p = pool;
        if (p != null) {
            p.close();
        }
        health = Health.stopped();
    }

    @Override
    public Health health() {
        HikariDataSource p = pool;
        if (health.state() == Health.State.READY && (p == null || p.isClosed())) {
            return Health.failed("connection pool closed");
        }
        return health;
    }
}
