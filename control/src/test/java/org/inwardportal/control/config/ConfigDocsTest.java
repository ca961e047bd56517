package org.inwardportal.control.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key with its environment variable and default. */
class ConfigDocsTest {
    @Test
    void everyKeyIsDocumentedWithItsEnvironmentVariableAndDefault() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            String row = text.lines().filter(l -> l.startsWith("| `" + key.name() + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError(doc + " has no table row for " + key.name()));
            assertThat(row).as(key.name()).contains("`" + key.envName() + "`");
            assertThat(row).as(key.name()).contains("`" + key.defaultText() + "`");
        }
    }
}
