package org.inwardportal.control.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    private final PrintStream realOut = System.out;

    @AfterEach
    void restore() throws Exception {
        System.setOut(realOut);
        // Back to the test configuration for the other tests in this JVM.
        var ctx = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ch.qos.logback.classic.util.ContextInitializer(ctx).autoConfig();
    }

    private List<String> logWith(String format, String level) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        LogSetup.configure(format, level);
        var log = LoggerFactory.getLogger("org.inwardportal.test");
        log.info("plain event");
        log.debug("debug event");
        log.error("failed event", new IllegalStateException("boom", new RuntimeException("root cause")));
        LoggerFactory.getLogger("com.example.library").info("library chatter");
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void textIsOneLinePerEventEvenWithAStackTrace() {
        List<String> lines = logWith("text", "info");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith("INFO  test [main] plain event");
        assertThat(lines.get(1)).contains("ERROR test [main] failed event java.lang.IllegalStateException: boom | at ")
                .contains("Caused by: java.lang.RuntimeException: root cause").doesNotEndWith(" ").doesNotEndWith("|");
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        List<String> lines = logWith("json", "debug");
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(lines.get(1)).get("formattedMessage").asText()).isEqualTo("debug event");
        var error = json.readTree(lines.get(2));
        assertThat(error.get("level").asText()).isEqualTo("ERROR");
        assertThat(error.get("throwable").toString()).contains("boom");
    }
}
