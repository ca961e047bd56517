package org.inwardportal.control.config;

/**
 * Invalid configuration. The message is one line that names the key (or file) and the reason,
 * ready to print as it is; start-up stops with exit code 2.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    public static ConfigException forKey(String key, String reason, String source) {
        return new ConfigException(key + ": " + reason + (source == null ? "" : " (from " + source + ")"));
    }
}
