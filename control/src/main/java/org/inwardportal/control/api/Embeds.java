package org.inwardportal.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.entities.MessageEmbed;

/** An API caller's {@code embed} object checked against Discord's limits and made into an embed. */
final class Embeds {
    private Embeds() {
    }

    static MessageEmbed from(JsonNode e) throws ApiHandler.ApiError {
        if (!e.isObject()) throw invalid("embed", "'embed' is an object: {title, description, url, color, fields}");
        EmbedBuilder b = new EmbedBuilder();
        String title = string(e, "title", 256);
        String url = string(e, "url", 2048);
        if (url != null && !url.matches("https?://\\S+")) throw invalid("embed.url", "'embed.url' must be an http(s) URL");
        if (title != null) b.setTitle(title, url);
        String description = string(e, "description", 4096);
        if (description != null) b.setDescription(description);
        if (e.has("color")) {
            if (!e.get("color").canConvertToInt() || e.get("color").asInt() < 0 || e.get("color").asInt() > 0xFFFFFF) {
                throw invalid("embed.color", "'embed.color' is a number from 0 to 16777215 (0xFFFFFF)");
            }
            b.setColor(e.get("color").asInt());
        }
        JsonNode fields = e.path("fields");
        if (!fields.isMissingNode()) {
            if (!fields.isArray() || fields.size() > 25) throw invalid("embed.fields", "'embed.fields' is a list of at most 25 {name, value, inline}");
            for (JsonNode f : fields) {
                String name = string(f, "name", 256);
                String value = string(f, "value", 1024);
                if (name == null || value == null) throw invalid("embed.fields", "each field has a 'name' and a 'value'");
                b.addField(name, value, f.path("inline").asBoolean(false));
            }
        }
        if (b.isEmpty()) throw invalid("embed", "an embed needs at least a title, a description or a field");
        return b.build();
    }

    private static String string(JsonNode o, String field, int max) throws ApiHandler.ApiError {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
            throw invalid("embed." + field, "'" + field + "' is text of 1 to " + max + " characters");
        }
        return v.asText();
    }

    private static ApiHandler.ApiError invalid(String field, String message) {
        return new ApiHandler.ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", message, field);
    }
}
