package org.inwardportal.control.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigException;
import org.inwardportal.control.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "config", description = "Work with the configuration.", subcommands = ConfigCommand.CheckCommand.class)
final class ConfigCommand {

    @Command(name = "check", description = "Validate the configuration and print every effective value (secrets redacted) with its source.")
    static final class CheckCommand implements Callable<Integer> {
        private final Map<String, String> env;

        @Mixin
        ConfigOption config;

        CheckCommand(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config c;
            try {
                c = config.load(env);
            } catch (ConfigException e) {
                return ConfigOption.reject(e);
            }
            System.out.println("configuration OK");
            int width = ConfigKeys.ALL.stream().mapToInt(k -> k.name().length()).max().orElse(10);
            for (Map.Entry<String, String> e : c.redacted().entrySet()) {
                var key = ConfigKeys.BY_NAME.get(e.getKey());
                String source = c.sourceOf(key);
                System.out.printf("  %-" + width + "s = %s%s%n", e.getKey(), e.getValue(),
                        "unset".equals(source) ? "" : "   (" + source + ")");
            }
            return PortalCli.EXIT_OK;
        }
    }
}
