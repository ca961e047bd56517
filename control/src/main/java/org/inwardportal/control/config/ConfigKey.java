package org.inwardportal.control.config;

import java.util.Locale;

/**
 * One configuration key: its dotted name, type, default (null when it has none) and the sentence
 * that documents it. The environment variable that overrides it is derived from the name:
 * {@code http.port} → {@code PORTAL_HTTP_PORT}.
 */
public record ConfigKey<T>(String name, ValueType<T> type, T defaultValue, String doc) {

    public static final String ENV_PREFIX = "PORTAL_";

    public String envName() {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean isSecret() {
        return type == ValueTypes.SECRET || type == ValueTypes.SECRET_LIST;
    }

    /** The default as documented and as {@code config check} prints it. */
    public String defaultText() {
        return defaultValue == null ? "(none)" : type.display(defaultValue);
    }
}
