package org.inwardportal.control.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inwardportal.control.Portal;
import org.inwardportal.control.Version;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigException;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.lifecycle.Daemon;
import org.inwardportal.control.lifecycle.ShutdownSignals;
import org.inwardportal.control.logging.LogSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "Start the relay and run until SIGTERM or Ctrl-C. With no Discord token it runs in local mode.")
final class RunCommand implements Callable<Integer> {
    /** Past the shutdown timeout, this much more is allowed before the process halts regardless. */
    private static final Duration WATCHDOG_GRACE = Duration.ofSeconds(2);

    private final Map<String, String> env;

    @Mixin
    ConfigOption config;

    RunCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        Config c;
        try {
            c = config.load(env);
        } catch (ConfigException e) {
            return ConfigOption.reject(e);
        }
        LogSetup.configure(c.get(ConfigKeys.LOG_FORMAT), c.get(ConfigKeys.LOG_LEVEL));
        Logger log = LoggerFactory.getLogger(RunCommand.class);

        Portal portal = new Portal(c);
        log.info("starting Inward Portal {} on Java {}{}", Version.current(), Runtime.version(),
                portal.localMode() ? " in local mode (no Discord token configured)"
                        : " with " + c.get(ConfigKeys.DISCORD_TOKENS).size() + " Discord bot(s)");
        ShutdownSignals.install(portal.daemon()::requestStop);
        try {
            portal.start();
        } catch (Daemon.StartupException e) {
            log.error("{}", e.getMessage());
            portal.stop();
            return PortalCli.EXIT_FAILED;
        }
        log.info("ready: {}", portal.daemon().health().keySet());

        portal.daemon().awaitStopRequest();
        startWatchdog(portal.shutdownTimeout().plus(WATCHDOG_GRACE), log);
        boolean clean = portal.stop();
        log.info("stopped{}", clean ? "" : " (some components did not stop cleanly)");
        return clean ? PortalCli.EXIT_OK : PortalCli.EXIT_FAILED;
    }

    /** Guarantees a bounded shutdown even if a component ignores its budget. */
    private static void startWatchdog(Duration limit, Logger log) {
        Thread.ofPlatform().daemon().name("shutdown-watchdog").start(() -> {
            try {
                Thread.sleep(limit);
            } catch (InterruptedException e) {
                return;
            }
            log.error("shutdown took longer than {} ms: exiting anyway", limit.toMillis());
            Runtime.getRuntime().halt(PortalCli.EXIT_FAILED);
        });
    }
}
