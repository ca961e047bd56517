package org.inwardportal.control.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The effective configuration: a value (or none) and where it came from, for every known key. */
public final class Config {

    /** A resolved value and its origin: "default", a file path, or an environment variable name. */
    public record Entry(Object value, String source) {
    }

    private final Map<String, Entry> entries;

    Config(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
    }

    /** The value of a key that has a default or is required to be set. */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new IllegalStateException(key.name() + " has no value"));
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(ConfigKey<T> key) {
        Entry e = entries.get(key.name());
        return e == null ? Optional.empty() : Optional.ofNullable((T) e.value());
    }

    public String sourceOf(ConfigKey<?> key) {
        Entry e = entries.get(key.name());
        return e == null ? "unset" : e.source();
    }

    /** Every key in schema order with its printable value; secrets redacted. */
    public Map<String, String> redacted() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            out.put(key.name(), display(key));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <T> String display(ConfigKey<T> key) {
        Optional<T> v = find(key);
        return v.map(value -> key.type().display(value)).orElse("(unset)");
    }
}
