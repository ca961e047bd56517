package org.inwardportal.control.cli;

import java.util.Map;
import org.inwardportal.control.Version;
import org.inwardportal.control.logging.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portal}: the relay's command line. Exit codes: 0 done, 1 failed at run time, 2 bad usage or configuration. */
@Command(name = "portal",
        mixinStandardHelpOptions = true,
        versionProvider = PortalCli.VersionProvider.class,
        description = "Inward Portal: relays a VR world's audio and video to Discord voice and browsers.",
        subcommands = {RunCommand.class, ConfigCommand.class, TokenCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class PortalCli {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /** Runs one command line with the given environment and returns its exit code. */
    public static int execute(String[] args, Map<String, String> env) {
        // Until `run` reads log.* from the configuration, only warnings and errors are shown.
        LogSetup.configure("text", "warn");
        CommandLine cli = new CommandLine(new PortalCli(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == RunCommand.class) return cls.cast(new RunCommand(env));
                if (cls == ConfigCommand.CheckCommand.class) return cls.cast(new ConfigCommand.CheckCommand(env));
                if (cls == TokenCommand.Create.class) return cls.cast(new TokenCommand.Create(env));
                if (cls == TokenCommand.Revoke.class) return cls.cast(new TokenCommand.Revoke(env));
                if (cls == TokenCommand.ListTokens.class) return cls.cast(new TokenCommand.ListTokens(env));
                return CommandLine.defaultFactory().create(cls);
            }
        });
        cli.setExitCodeExceptionMapper(t -> EXIT_FAILED);
        return cli.execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"portal " + Version.current()};
        }
    }
}
