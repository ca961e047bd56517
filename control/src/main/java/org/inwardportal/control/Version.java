package org.inwardportal.control;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, filled in by Maven resource filtering. */
public final class Version {
    private Version() {
    }

    public static String current() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
