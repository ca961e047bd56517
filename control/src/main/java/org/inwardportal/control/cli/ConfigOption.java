package org.inwardportal.control.cli;

import java.nio.file.Path;
import java.util.Map;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigException;
import org.inwardportal.control.config.ConfigLoader;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that read the configuration. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file (default: $PORTAL_CONFIG, else built-in defaults). PORTAL_* environment variables override its keys.")
    Path file;

    Config load(Map<String, String> env) throws ConfigException {
        return ConfigLoader.load(ConfigLoader.chooseFile(file, env), env);
    }

    static int reject(ConfigException e) {
        System.err.println("portal: configuration error: " + e.getMessage());
        return PortalCli.EXIT_USAGE;
    }
}
