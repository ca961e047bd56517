package org.inwardportal.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** docs/http-api.md and its OpenAPI file name exactly the error codes the API answers with, and its paths. */
class ApiDocsTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Path HANDLER = Path.of("src/main/java/org/inwardportal/control/api/ApiHandler.java");

    private static Set<String> codesInSource() throws Exception {
        Set<String> codes = new TreeSet<>();
        Matcher m = Pattern.compile("HttpResponseStatus\\.[A-Z_]+, \"([a-z_]+)\"").matcher(Files.readString(HANDLER));
        while (m.find()) codes.add(m.group(1));
        codes.add("too_large"); // the aggregator's own refusal (JsonErrorAggregator)
        return codes;
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApiListsEveryErrorCodeAndPath() throws Exception {
        Map<String, Object> api = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(DOCS.resolve("http-api.openapi.yaml")));
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) api.get("components")).get("schemas");
        Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) schemas.get("Error"))
                .get("properties")).get("error");
        Map<String, Object> code = (Map<String, Object>) ((Map<String, Object>) error.get("properties")).get("code");
        assertThat(new TreeSet<>((List<String>) code.get("enum"))).isEqualTo(codesInSource());
        assertThat(((Map<String, Object>) api.get("paths")).keySet()).containsExactlyInAnyOrder("/api/v1/bindings", "/api/v1/bindings/{id}",
                "/api/v1/notify", "/api/v1/hooks/github");
    }

    @Test
    void theGuideTablesEveryErrorCode() throws Exception {
        String guide = Files.readString(DOCS.resolve("http-api.md"));
        Set<String> tabled = new TreeSet<>();
        Matcher m = Pattern.compile("`([a-z_]+)`").matcher(guide.substring(guide.indexOf("| status | code |"), guide.indexOf("Discord ids")));
        while (m.find()) tabled.add(m.group(1));
        assertThat(tabled).isEqualTo(codesInSource());
    }
}
