package org.inwardportal.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * Both stores for tests: an SQLite file, and a fresh database on the PostgreSQL that scripts/test
 * starts (required there, skipped elsewhere).
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** A started store of the given kind ("sqlite" or "postgresql"). */
    public static Database start(String kind, Path dir) throws Exception {
        DatabaseUrl url = kind.equals("sqlite") ? DatabaseUrl.embedded(dir.resolve("portal.db")) : freshPostgresqlUrl(dir);
        Database db = new Database(url, 2, null);
        db.start();
        return db;
    }

    /** A fresh PostgreSQL database: as ops would name it, and a JDBC URL (with credentials) to look inside. */
    public record Fresh(DatabaseUrl url, String jdbc) {
    }

    static DatabaseUrl freshPostgresqlUrl(Path dir) throws Exception {
        return freshPostgresql(dir).url();
    }

    /** A new, empty PostgreSQL database as ops would name it ({@code postgresql://…}). */
    public static Fresh freshPostgresql(Path dir) throws Exception {
        String admin = System.getenv("INWARD_TEST_PG_URL");
        if (System.getenv("INWARD_TEST_REQUIRE_PG") != null) {
            assertThat(admin).as("scripts/test must provide INWARD_TEST_PG_URL").isNotBlank();
        }
        assumeTrue(admin != null, "no test PostgreSQL (scripts/test starts one and sets INWARD_TEST_PG_URL)");
        String dbName = "portal_it_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + dbName);
        }
        String jdbc = admin.replace("/postgres?", "/" + dbName + "?");
        String plain = "postgresql://portal@" + jdbc.substring("jdbc:postgresql://".length(), jdbc.indexOf('?'));
        return new Fresh(DatabaseUrl.parse(plain, dir, Optional.empty(), Optional.empty()), jdbc);
    }
}
