package org.inwardportal.control.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("portal.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static String errorOf(Path file, Map<String, String> env) {
        try {
            ConfigLoader.load(file, env);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception");
            return e.getMessage();
        }
        throw new AssertionError("expected a configuration error");
    }

    @Test
    void noConfigurationAtAllGivesTheDocumentedDefaults() throws Exception {
        Config c = ConfigLoader.load(null, Map.of());
        assertThat(c.get(ConfigKeys.DATA_DIR)).isEqualTo(Path.of("data"));
        assertThat(c.get(ConfigKeys.HTTP_HOST)).isEqualTo("127.0.0.1");
        assertThat(c.get(ConfigKeys.HTTP_PORT)).isEqualTo(8480);
        assertThat(c.get(ConfigKeys.SHUTDOWN_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.find(ConfigKeys.DATABASE_URL)).isEmpty();
        assertThat(c.find(ConfigKeys.API_SECRET)).isEmpty();
        assertThat(c.sourceOf(ConfigKeys.HTTP_PORT)).isEqualTo("default");
    }

    @Test
    void fileValuesNestedOrDottedAndEnvironmentOverridesFile() throws Exception {
        Path f = yaml("""
                http:
                  port: 9001
                  host: localhost
                log.format: json
                shutdown:
                  timeout: 1500ms
                """);
        Config fromFile = ConfigLoader.load(f, Map.of());
        assertThat(fromFile.get(ConfigKeys.HTTP_PORT)).isEqualTo(9001);
        assertThat(fromFile.get(ConfigKeys.HTTP_HOST)).isEqualTo("localhost");
        assertThat(fromFile.get(ConfigKeys.LOG_FORMAT)).isEqualTo("json");
        assertThat(fromFile.get(ConfigKeys.SHUTDOWN_TIMEOUT)).isEqualTo(Duration.ofMillis(1500));
        assertThat(fromFile.sourceOf(ConfigKeys.HTTP_PORT)).isEqualTo(f.toString());

        Config overridden = ConfigLoader.load(f, Map.of("PORTAL_HTTP_PORT", "9002", "PORTAL_SHUTDOWN_TIMEOUT", "2m",
                "HOME", "/root", "PORTAL_CONFIG", "ignored-here.yaml"));
        assertThat(overridden.get(ConfigKeys.HTTP_PORT)).isEqualTo(9002);
        assertThat(overridden.get(ConfigKeys.SHUTDOWN_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(overridden.sourceOf(ConfigKeys.HTTP_PORT)).isEqualTo("PORTAL_HTTP_PORT");
        assertThat(overridden.get(ConfigKeys.LOG_FORMAT)).isEqualTo("json");
    }

    @Test
    void everyKeyCanBeOverriddenFromItsEnvironmentVariable() {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(ConfigKeys.BY_ENV.get(key.envName())).isSameAs(key);
            assertThat(key.envName()).matches("PORTAL_[A-Z0-9_]+");
        }
        assertThat(ConfigKeys.DATABASE_POOL_SIZE.envName()).isEqualTo("PORTAL_DATABASE_POOL_SIZE");
    }

    @Test
    void configFileComesFromOptionThenEnvironment() {
        assertThat(ConfigLoader.chooseFile(Path.of("a.yaml"), Map.of("PORTAL_CONFIG", "b.yaml"))).isEqualTo(Path.of("a.yaml"));
        assertThat(ConfigLoader.chooseFile(null, Map.of("PORTAL_CONFIG", "b.yaml"))).isEqualTo(Path.of("b.yaml"));
        assertThat(ConfigLoader.chooseFile(null, Map.of())).isNull();
    }

    @Test
    void emptyFileAndNullValuesMeanDefaults() throws Exception {
        assertThat(ConfigLoader.load(yaml(""), Map.of()).get(ConfigKeys.HTTP_PORT)).isEqualTo(8480);
        assertThat(ConfigLoader.load(yaml("http:\n  port:\n"), Map.of()).get(ConfigKeys.HTTP_PORT)).isEqualTo(8480);
    }

    @Test
    void unknownKeysAreRefusedWithASuggestion() throws Exception {
        assertThat(errorOf(yaml("http:\n  prot: 1\n"), Map.of()))
                .isEqualTo("http.prot: unknown key; did you mean 'http.port'? (from " + dir.resolve("portal.yaml") + ")");
        assertThat(errorOf(yaml("frobnicate: yes\n"), Map.of())).startsWith("frobnicate: unknown key (from");
        assertThat(errorOf(null, Map.of("PORTAL_HTTP_PROT", "1")))
                .isEqualTo("PORTAL_HTTP_PROT: unknown environment variable, no such configuration key; did you mean PORTAL_HTTP_PORT?");
    }

    @Test
    void badPortsAreRefusedNamingTheKeyAndSource() throws Exception {
        assertThat(errorOf(yaml("http:\n  port: eighty\n"), Map.of()))
                .startsWith("http.port: must be a port number (0-65535), got 'eighty' (from ");
        assertThat(errorOf(null, Map.of("PORTAL_HTTP_PORT", "70000")))
                .isEqualTo("http.port: must be a port number (0-65535), got 70000 (from PORTAL_HTTP_PORT)");
        assertThat(errorOf(null, Map.of("PORTAL_HTTP_PORT", "-1"))).contains("got -1");
        assertThat(errorOf(yaml("http:\n  port: [1, 2]\n"), Map.of())).contains("http.port: must be a single value");
    }

    @Test
    void otherBadValues() throws Exception {
        assertThat(errorOf(null, Map.of("PORTAL_SHUTDOWN_TIMEOUT", "soon")))
                .startsWith("shutdown.timeout: must be a duration such as 500ms, 10s, 5m or 1h, got 'soon'");
        assertThat(errorOf(null, Map.of("PORTAL_LOG_FORMAT", "xml")))
                .isEqualTo("log.format: must be one of text, json, got 'xml' (from PORTAL_LOG_FORMAT)");
        assertThat(errorOf(null, Map.of("PORTAL_HTTP_HOST", "not a host!"))).startsWith("http.host: must be a host name or IP address");
        assertThat(errorOf(null, Map.of("PORTAL_DATABASE_POOL_SIZE", "0"))).contains("database.pool-size");
        assertThat(errorOf(null, Map.of("PORTAL_DATABASE_URL", "mysql://x/y")))
                .startsWith("database.url: must be a jdbc:sqlite:, jdbc:postgresql:// or postgresql:// URL");
        assertThat(errorOf(null, Map.of("PORTAL_DATABASE_URL", "postgresql://host-only")))
                .contains("needs a host and a database name");
        assertThat(errorOf(null, Map.of("PORTAL_API_SECRET", ""))).startsWith("api.secret: must not be empty");
    }

    @Test
    void unreadableOrMalformedFiles() throws Exception {
        assertThat(errorOf(dir.resolve("missing.yaml"), Map.of())).endsWith("missing.yaml: does not exist");
        assertThat(errorOf(dir, Map.of())).endsWith(": is a folder, not a file");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertThat(errorOf(latin1, Map.of())).endsWith("latin1.yaml: not UTF-8 text");
        assertThat(errorOf(yaml("http: [\n"), Map.of())).contains("not valid YAML at line 2");
        assertThat(errorOf(yaml("- a\n- b\n"), Map.of())).contains("must be a mapping of keys to values");
        assertThat(errorOf(yaml("http:\n  port: 1\n  port: 2\n"), Map.of())).contains("not valid YAML").contains("port");
        assertThat(errorOf(yaml("http.port: 1\nhttp:\n  port: 2\n"), Map.of())).startsWith("http.port: given twice");
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "#".repeat((int) ConfigLoader.MAX_FILE_BYTES + 1));
        assertThat(errorOf(big, Map.of())).endsWith("larger than 1 MiB, refused");
    }

    @Test
    void apiSecretIsRequiredWhenListeningBeyondLoopback() throws Exception {
        assertThat(errorOf(null, Map.of("PORTAL_HTTP_HOST", "0.0.0.0")))
                .isEqualTo("api.secret: required when http.host (0.0.0.0) is not a loopback address; "
                        + "set it in the config file or PORTAL_API_SECRET");
        assertThat(errorOf(null, Map.of("PORTAL_HTTP_HOST", "relay.example.org"))).startsWith("api.secret: required");
        Config ok = ConfigLoader.load(null, Map.of("PORTAL_HTTP_HOST", "0.0.0.0", "PORTAL_API_SECRET", "0123456789abcdef"));
        assertThat(ok.get(ConfigKeys.API_SECRET).matches("0123456789abcdef")).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("PORTAL_HTTP_HOST", "127.0.0.2")).find(ConfigKeys.API_SECRET)).isEmpty();
        assertThat(ConfigLoader.load(null, Map.of("PORTAL_HTTP_HOST", "::1")).find(ConfigKeys.API_SECRET)).isEmpty();
        assertThat(errorOf(null, Map.of("PORTAL_API_SECRET", "short")))
                .isEqualTo("api.secret: too short, use at least 16 characters (from PORTAL_API_SECRET)");
    }

    @Test
    void webhookAndDirectorySettingsAreCheckedTogether() throws Exception {
        assertThat(errorOf(null, Map.of("PORTAL_API_GITHUB_SECRET", "s3cret")))
                .isEqualTo("api.github-channel: required with api.github-secret (the GitHub webhook needs both its secret and the channel to post in)");
        assertThat(errorOf(null, Map.of("PORTAL_API_GITHUB_CHANNEL", "123")))
                .startsWith("api.github-secret: required with api.github-channel");
        assertThat(errorOf(null, Map.of("PORTAL_API_GITHUB_SECRET", "s3cret", "PORTAL_API_GITHUB_CHANNEL", "#general")))
                .isEqualTo("api.github-channel: must be a Discord id (digits), got '#general' (from PORTAL_API_GITHUB_CHANNEL)");
        assertThat(errorOf(null, Map.of("PORTAL_URO_URL", "ftp://uro.example.org")))
                .isEqualTo("uro.url: must be an http:// or https:// URL, got 'ftp://uro.example.org' (from PORTAL_URO_URL)");
        Config ok = ConfigLoader.load(null, Map.of("PORTAL_URO_URL", "https://uro.example.org/", "PORTAL_API_GITHUB_SECRET", "s3cret",
                "PORTAL_API_GITHUB_CHANNEL", "123"));
        assertThat(ok.get(ConfigKeys.URO_URL)).isEqualTo("https://uro.example.org/");
        assertThat(ok.get(ConfigKeys.API_GITHUB_CHANNEL)).isEqualTo("123");
    }

    @Test
    void discordTokensFromAYamlListOrACommaSeparatedVariable() throws Exception {
        Config fromFile = ConfigLoader.load(yaml("discord:\n  tokens:\n    - tok.one\n    - tok.two\n"), Map.of());
        assertThat(fromFile.get(ConfigKeys.DISCORD_TOKENS)).extracting(Secret::reveal).containsExactly("tok.one", "tok.two");
        Config fromEnv = ConfigLoader.load(null, Map.of("PORTAL_DISCORD_TOKENS", " tok.a , tok.b,"));
        assertThat(fromEnv.get(ConfigKeys.DISCORD_TOKENS)).extracting(Secret::reveal).containsExactly("tok.a", "tok.b");
        assertThat(fromEnv.redacted().get("discord.tokens")).isEqualTo("2 x <redacted>");
        assertThat(ConfigLoader.load(null, Map.of()).get(ConfigKeys.DISCORD_TOKENS)).isEmpty();
        assertThat(errorOf(yaml("discord:\n  tokens:\n    - [a]\n"), Map.of())).startsWith("discord.tokens: must be a list of secrets");
        assertThat(errorOf(null, Map.of("PORTAL_DISCORD_TOKENS", "Bot abc.def.ghi")))
                .isEqualTo("discord.tokens: a token contains white space; give the bare token, without 'Bot ' (from PORTAL_DISCORD_TOKENS)");
    }

    @Test
    void mediaAddressesMustBeIpAddresses() throws Exception {
        Config c = ConfigLoader.load(null, Map.of("PORTAL_MEDIA_ADDRESSES", "203.0.113.7, 2001:db8::1"));
        assertThat(c.get(ConfigKeys.MEDIA_ADDRESSES)).extracting(java.net.InetAddress::getHostAddress)
                .containsExactly("203.0.113.7", "2001:db8:0:0:0:0:0:1");
        assertThat(errorOf(null, Map.of("PORTAL_MEDIA_ADDRESSES", "relay.example.org")))
                .isEqualTo("media.addresses: must be IP addresses (not host names), got 'relay.example.org' (from PORTAL_MEDIA_ADDRESSES)");
        assertThat(errorOf(null, Map.of("PORTAL_MEDIA_PORT", "65536"))).startsWith("media.port: must be a port number");
    }

    @Test
    void signalingTlsNeedsBothReadableFiles() throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "x");
        assertThat(errorOf(null, Map.of("PORTAL_SIGNALING_TLS_CERTIFICATE", cert.toString())))
                .isEqualTo("signaling.tls-key: required with signaling.tls-certificate (wss:// needs both the certificate and its key)");
        assertThat(errorOf(null, Map.of("PORTAL_SIGNALING_TLS_CERTIFICATE", cert.toString(), "PORTAL_SIGNALING_TLS_KEY", "/nope/key.pem")))
                .isEqualTo("signaling.tls-key: cannot read /nope/key.pem (from PORTAL_SIGNALING_TLS_KEY)");
        Config ok = ConfigLoader.load(null, Map.of("PORTAL_SIGNALING_ICE_SERVERS", "stun:a.example:3478, turn:b.example"));
        assertThat(ok.get(ConfigKeys.SIGNALING_ICE_SERVERS)).containsExactly("stun:a.example:3478", "turn:b.example");
    }

    @Test
    void redactedViewNeverShowsSecrets() throws Exception {
        Path f = yaml("""
                api:
                  secret: file-secret-0123456789
                database:
                  url: postgresql://portal:url-password@db.internal:5432/portal
                  password: key-password-xyz
                """);
        Config c = ConfigLoader.load(f, Map.of("PORTAL_API_SECRET", "env-secret-0123456789"));
        String printed = c.redacted().toString();
        assertThat(printed).doesNotContain("file-secret", "env-secret", "url-password", "key-password")
                .contains("api.secret=<redacted>", "database.password=<redacted>",
                        "database.url=postgresql://portal:<redacted>@db.internal:5432/portal");
        assertThat(c.get(ConfigKeys.API_SECRET).toString()).isEqualTo("<redacted>");
        assertThat(c.get(ConfigKeys.API_SECRET).reveal()).isEqualTo("env-secret-0123456789");
    }
}
