package org.inwardportal.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.inwardportal.control.config.ConfigLoader;
import org.inwardportal.control.config.Secret;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    @Test
    void defaultIsTheEmbeddedFileUnderTheDataFolder() throws Exception {
        DatabaseUrl url = DatabaseUrl.from(ConfigLoader.load(null, Map.of("PORTAL_DATA_DIR", "/var/lib/portal")));
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/portal/portal.db");
    }

    @Test
    void postgresqlUrlFormsAndCredentials() throws Exception {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://relay:p%40ss@db.internal:5433/portal?sslmode=require",
                Path.of("."), Optional.empty(), Optional.empty());
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/portal?sslmode=require");
        assertThat(u.user()).hasValue("relay");
        assertThat(u.password().map(Secret::reveal)).hasValue("p@ss");
        assertThat(u.describe()).doesNotContain("p@ss", "p%40ss");

        DatabaseUrl fromKeys = DatabaseUrl.from(ConfigLoader.load(null, Map.of(
                "PORTAL_DATABASE_URL", "jdbc:postgresql://db/portal", "PORTAL_DATABASE_USER", "u", "PORTAL_DATABASE_PASSWORD", "pw")));
        assertThat(fromKeys.user()).hasValue("u");
        assertThat(fromKeys.password().map(Secret::reveal)).hasValue("pw");
    }

    @Test
    void redactionMasksPasswordsInEitherPlace() {
        assertThat(DatabaseUrl.redact("postgresql://u:secret@h/db")).isEqualTo("postgresql://u:<redacted>@h/db");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://h/db?user=u&password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=<redacted>&ssl=true");
        assertThat(DatabaseUrl.redact("jdbc:sqlite:data/portal.db")).isEqualTo("jdbc:sqlite:data/portal.db");
    }

    @Test
    void sqliteUrlsMustNameAFile() {
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:sqlite::memory:", Path.of("."), Optional.empty(), Optional.empty()))
                .hasMessageContaining("plain file path");
    }
}
