package org.inwardportal.control.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.file.InvalidPathException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value types configuration keys use. */
public final class ValueTypes {
    private ValueTypes() {
    }

    private static String scalar(Object raw) {
        if (raw instanceof List<?> || raw instanceof java.util.Map<?, ?>) {
            throw new IllegalArgumentException("must be a single value, not a list or mapping");
        }
        return String.valueOf(raw).trim();
    }

    public static final ValueType<String> TEXT = new ValueType<>() {
        @Override
        public String parse(Object raw) {
            String s = scalar(raw);
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return s;
        }

        @Override
        public String describe() {
            return "text";
        }
    };

    public static final ValueType<Integer> PORT = intRange(0, 65535, "port number");

    /** true/false (also yes/no, on/off; YAML booleans arrive as Boolean). */
    public static final ValueType<Boolean> BOOLEAN = new ValueType<>() {
        @Override
        public Boolean parse(Object raw) {
            return switch (scalar(raw).toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("must be true or false");
            };
        }

        @Override
        public String describe() {
            return "true or false";
        }
    };

    /** A Discord id: digits (a YAML number is accepted too; ids are kept as text). */
    public static final ValueType<String> SNOWFLAKE = new ValueType<>() {
        @Override
        public String parse(Object raw) {
            String s = scalar(raw);
            if (!s.matches("[0-9]{1,20}")) throw new IllegalArgumentException("must be a Discord id (digits), got '" + s + "'");
            return s;
        }

        @Override
        public String describe() {
            return "Discord id";
        }
    };

    public static ValueType<Integer> intRange(int min, int max, String what) {
        return new ValueType<>() {
            @Override
            public Integer parse(Object raw) {
                String s = scalar(raw);
                int v;
                try {
                    v = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a " + what + " (" + min + "-" + max + "), got '" + s + "'");
                }
                if (v < min || v > max) {
                    throw new IllegalArgumentException("must be a " + what + " (" + min + "-" + max + "), got " + v);
                }
                return v;
            }

            @Override
            public String describe() {
                return what + " (" + min + "-" + max + ")";
            }
        };
    }

    /** A host name or an IP address literal to bind or connect to. */
    public static final ValueType<String> HOST = new ValueType<>() {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9a-fA-F:.]+");

        @Override
        public String parse(Object raw) {
            String s = scalar(raw);
            if (!NAME.matcher(s).matches()) {
                throw new IllegalArgumentException("must be a host name or IP address, got '" + s + "'");
            }
            return s;
        }

        @Override
        public String describe() {
            return "host or IP address";
        }
    };

    public static final ValueType<Path> PATH = new ValueType<>() {
        @Override
        public Path parse(Object raw) {
            String s = scalar(raw);
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a valid path: " + e.getReason());
            }
        }

        @Override
        public String describe() {
            return "path";
        }
    };

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** "250ms", "10s", "5m", "1h", or ISO-8601 ("PT10S"). */
    public static final ValueType<Duration> DURATION_TYPE = new ValueType<>() {
        @Override
        public Duration parse(Object raw) {
            String s = scalar(raw).toLowerCase(Locale.ROOT);
            Matcher m = DURATION.matcher(s);
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                try {
                    d = Duration.parse(s.toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("must be a duration such as 500ms, 10s, 5m or 1h, got '" + s + "'");
                }
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
            return d;
        }

        @Override
        public String describe() {
            return "duration (500ms, 10s, 5m, 1h)";
        }

        @Override
        public String display(Duration value) {
            long ms = value.toMillis();
            if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
            if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
            if (ms % 1000 == 0) return ms / 1000 + "s";
            return ms + "ms";
        }
    };

    public static ValueType<String> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return new ValueType<>() {
            @Override
            public String parse(Object raw) {
                String s = scalar(raw).toLowerCase(Locale.ROOT);
                if (!values.contains(s)) {
                    throw new IllegalArgumentException("must be one of " + String.join(", ", values) + ", got '" + s + "'");
                }
                return s;
            }

            @Override
            public String describe() {
                return "one of " + String.join(", ", values);
            }
        };
    }

    public static final ValueType<Secret> SECRET = new ValueType<>() {
        @Override
        public Secret parse(Object raw) {
            String s = scalar(raw);
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return Secret.of(s);
        }

        @Override
        public String describe() {
            return "secret";
        }

        @Override
        public String display(Secret value) {
            return Secret.REDACTED;
        }
    };

    /**
     * A list of values: a YAML list, or one comma-separated string (an environment variable). Blank
     * items are skipped; each item is checked by {@code element}.
     */
    public static <T> ValueType<List<T>> listOf(ValueType<T> element, String what, java.util.function.Function<List<T>, String> display) {
        return new ValueType<>() {
            @Override
            public List<T> parse(Object raw) {
                List<?> items = raw instanceof List<?> l ? l : List.of(String.valueOf(raw).split(","));
                List<T> out = new java.util.ArrayList<>();
                for (Object item : items) {
                    if (item instanceof List<?> || item instanceof java.util.Map<?, ?>) {
                        throw new IllegalArgumentException("must be a list of " + what);
                    }
                    String s = String.valueOf(item).trim();
                    if (!s.isEmpty()) out.add(element.parse(s));
                }
                return List.copyOf(out);
            }

            @Override
            public String describe() {
                return "list of " + what;
            }

            @Override
            public String display(List<T> value) {
                return value.isEmpty() ? "(none)" : display.apply(value);
            }
        };
    }

    /** Secrets (bot tokens): shown only as a count. */
    public static final ValueType<List<Secret>> SECRET_LIST = listOf(SECRET, "secrets", v -> v.size() + " x " + Secret.REDACTED);

    public static final ValueType<List<String>> TEXT_LIST = listOf(TEXT, "texts", v -> String.join(",", v));

    /** IP address literals (not host names: no DNS at start-up). */
    public static final ValueType<List<java.net.InetAddress>> ADDRESS_LIST = listOf(new ValueType<>() {
        @Override
        public java.net.InetAddress parse(Object raw) {
            String s = String.valueOf(raw).trim();
            if (!s.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new IllegalArgumentException("must be IP addresses (not host names), got '" + s + "'");
            }
            try {
                return java.net.InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("is not an IP address: '" + s + "'");
            }
        }

        @Override
        public String describe() {
            return "IP address";
        }
    }, "IP addresses", v -> String.join(",", v.stream().map(java.net.InetAddress::getHostAddress).toList()));

    /** True for 127.0.0.0/8, ::1 and "localhost", without touching DNS for other names. */
    public static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
