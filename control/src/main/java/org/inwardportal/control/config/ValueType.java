package org.inwardportal.control.config;

/**
 * How one kind of configuration value is read (from a YAML scalar or list, or an environment
 * string) and shown back. {@link #parse} throws {@link IllegalArgumentException} with a reason
 * written for the operator, e.g. "must be a port number (0-65535)".
 */
public interface ValueType<T> {

    T parse(Object raw);

    /** Short description for the docs and error messages, e.g. "port", "duration". */
    String describe();

    /** How the value is printed by {@code portal config check}; secrets override this. */
    default String display(T value) {
        return String.valueOf(value);
    }
}
