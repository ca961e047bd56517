package org.inwardportal.control.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.config.Secret;
import org.inwardportal.control.config.ValueType;

/**
 * Which database to use, resolved from {@code database.*} and {@code data.dir}: the embedded
 * SQLite file by default, PostgreSQL for a {@code jdbc:postgresql://} or {@code postgresql://} URL.
 */
public record DatabaseUrl(Kind kind, String jdbcUrl, Optional<String> user, Optional<Secret> password, Path sqliteFile) {

    public enum Kind { SQLITE, POSTGRESQL }

    public static final String EMBEDDED_FILE_NAME = "portal.db";

    /** The config value type of {@code database.url}: checked for shape, printed with any password masked. */
    public static final ValueType<String> TYPE = new ValueType<>() {
        @Override
        public String parse(Object raw) {
            String s = String.valueOf(raw).trim();
            DatabaseUrl.parse(s, Path.of("."), Optional.empty(), Optional.empty());
            return s;
        }

        @Override
        public String describe() {
            return "JDBC or postgresql:// URL";
        }

        @Override
        public String display(String value) {
            return redact(value);
        }
    };

    public static DatabaseUrl from(Config config) {
        Path dataDir = config.get(ConfigKeys.DATA_DIR);
        return config.find(ConfigKeys.DATABASE_URL)
                .map(url -> parse(url, dataDir, config.find(ConfigKeys.DATABASE_USER), config.find(ConfigKeys.DATABASE_PASSWORD)))
                .orElseGet(() -> embedded(dataDir.resolve(EMBEDDED_FILE_NAME)));
    }

    public static DatabaseUrl embedded(Path file) {
        return new DatabaseUrl(Kind.SQLITE, "jdbc:sqlite:" + file, Optional.empty(), Optional.empty(), file);
    }

    static DatabaseUrl parse(String url, Path dataDir, Optional<String> user, Optional<Secret> password) {
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            if (file.isEmpty() || file.startsWith(":memory:") || file.contains("?")) {
                throw new IllegalArgumentException("jdbc:sqlite: needs a plain file path (no :memory:, no parameters)");
            }
            return embedded(dataDir.resolve(file));
        }
        if (url.startsWith("jdbc:postgresql://")) {
            return new DatabaseUrl(Kind.POSTGRESQL, url, user, password, null);
        }
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("is not a valid URL: " + e.getReason());
            }
            if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                throw new IllegalArgumentException("a postgresql:// URL needs a host and a database name, e.g. postgresql://host:5432/portal");
            }
            String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            Optional<String> u = user;
            Optional<Secret> p = password;
            String info = uri.getRawUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                u = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
                if (colon >= 0 && colon < info.length() - 1) {
                    p = Optional.of(Secret.of(decode(info.substring(colon + 1))));
                }
            }
            return new DatabaseUrl(Kind.POSTGRESQL, jdbc, u, p, null);
        }
        throw new IllegalArgumentException("must be a jdbc:sqlite:, jdbc:postgresql:// or postgresql:// URL");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL with any password (user-info or {@code password=} parameter) replaced. */
    public static String redact(String url) {
        return url.replaceAll("(://[^/@:]*:)[^/@]*@", "$1" + Secret.REDACTED + "@")
                .replaceAll("(?i)([?&]password=)[^&]*", "$1" + Secret.REDACTED);
    }

    /** How this database is named in logs and readiness: never with a password. */
    public String describe() {
        return kind == Kind.SQLITE ? "sqlite " + sqliteFile : "postgresql " + redact(jdbcUrl);
    }
}
