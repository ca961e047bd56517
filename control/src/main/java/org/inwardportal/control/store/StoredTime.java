package org.inwardportal.control.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Instants as the database keeps them: ISO-8601 UTC with all nine fraction digits, so that their
 * text order (what {@code ORDER BY} on a text column sees, in SQLite and PostgreSQL alike) is time
 * order. Used for the columns lists are ordered by. {@link Instant#toString} drops trailing zeros, and "…:30Z" sorted after "…:30.008Z"
 * (seen in CI). {@link Instant#parse} reads both forms back.
 */
public final class StoredTime {
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
            .appendLiteral('Z')
            .toFormatter(Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private StoredTime() {
    }

    public static String of(Instant t) {
        return FORMAT.format(t);
    }
}
