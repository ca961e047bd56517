package org.inwardportal.control.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback in code from {@code log.format} and {@code log.level}: one line per event on
 * standard output, as text or as JSON. A stack trace is folded onto its event's line, so a log
 * shipper never splits an event.
 */
public final class LogSetup {
    /**
     * Time, level, logger, thread, message; an exception follows on the same line with its lines
     * joined by " | " (the outer replace drops the separator when there is no exception).
     */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} [%thread] %msg"
            + "%replace(%replace( %ex){'[\\r\\n\\t]+', ' | '}){'^ $| \\| $', ''}%nopex%n";

    private LogSetup() {
    }

    public static void configure(String format, String level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        Encoder<ILoggingEvent> encoder = "json".equals(format) ? jsonEncoder(ctx) : textEncoder(ctx);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();

        Level ours = Level.toLevel(level, Level.INFO);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        // Libraries speak only when something is wrong, unless everything should be quieter still.
        root.setLevel(ours.isGreaterOrEqual(Level.WARN) ? ours : Level.WARN);
        root.addAppender(console);
        ctx.getLogger("org.inwardportal").setLevel(ours);
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(TEXT_PATTERN);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithContext(false);
        e.setWithArguments(false);
        e.setWithMessage(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }
}
