package org.inwardportal.control.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.DatabaseUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardTokensTest {
    @TempDir
    Path dir;
    private Database db;
    private ShardTokens tokens;

    @BeforeEach
    void open() throws Exception {
        db = new Database(DatabaseUrl.embedded(dir.resolve("portal.db")), 2, null);
        db.start();
        tokens = new ShardTokens(db.dataSource());
    }

    @AfterEach
    void close() {
        db.stop(Duration.ofSeconds(2));
    }

    @Test
    void createAuthenticateRevokeAndReplace() throws Exception {
        String token = tokens.create("alpha");
        assertThat(token).startsWith("ipt_").hasSizeGreaterThan(40);
        assertThat(tokens.authenticate("alpha", token)).isTrue();
        assertThat(tokens.authenticate("alpha", token + "x")).isFalse();
        assertThat(tokens.authenticate("alpha", null)).isFalse();
        assertThat(tokens.authenticate("beta", token)).as("a token is tied to its shard").isFalse();

        String second = tokens.create("alpha");
        assertThat(tokens.authenticate("alpha", second)).isTrue();
        assertThat(tokens.authenticate("alpha", token)).as("creating again replaces the token").isFalse();

        assertThat(tokens.revoke("alpha")).isTrue();
        assertThat(tokens.authenticate("alpha", second)).isFalse();
        assertThat(tokens.revoke("alpha")).isFalse();
        assertThat(tokens.list()).singleElement().satisfies(e -> {
            assertThat(e.shard()).isEqualTo("alpha");
            assertThat(e.revokedAt()).isNotNull();
        });
    }

    @Test
    void onlyAHashIsStored() throws Exception {
        String token = tokens.create("alpha");
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM shard_tokens")) {
            rs.next();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                assertThat(String.valueOf(rs.getString(i))).doesNotContain(token.substring(4));
            }
            assertThat(rs.getString("token_hash")).hasSize(64).isEqualTo(ShardTokens.hash(token));
        }
    }

    @Test
    void shardIdsAreChecked() {
        assertThatThrownBy(() -> tokens.create("bad id with spaces")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.create("")).isInstanceOf(IllegalArgumentException.class);
    }
}
