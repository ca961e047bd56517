package org.inwardportal.control.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inwardportal.control.config.Config;
import org.inwardportal.control.config.ConfigException;
import org.inwardportal.control.config.ConfigKeys;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.DatabaseUrl;
import org.inwardportal.control.tokens.ShardTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "token", description = "Shard tokens: create (shown once), revoke, list. Only hashes are stored.",
        subcommands = {TokenCommand.Create.class, TokenCommand.Revoke.class, TokenCommand.ListTokens.class})
final class TokenCommand {

    /** Opens the configured store, runs {@code work}, closes it. */
    interface Work {
        int run(ShardTokens tokens) throws Exception;
    }

    static int withTokens(ConfigOption option, Map<String, String> env, Work work) {
        Config c;
        try {
            c = option.load(env);
        } catch (ConfigException e) {
            return ConfigOption.reject(e);
        }
        Database db = new Database(DatabaseUrl.from(c), 2, null);
        try {
            db.start();
            return work.run(new ShardTokens(db.dataSource()));
        } catch (IllegalArgumentException e) {
            System.err.println("portal: " + e.getMessage());
            return PortalCli.EXIT_USAGE;
        } catch (Exception e) {
            System.err.println("portal: cannot use the store: " + e.getMessage());
            return PortalCli.EXIT_FAILED;
        } finally {
            db.stop(Duration.ofSeconds(5));
        }
    }

    @Command(name = "create", description = "Create a token for a shard (replacing an earlier one) and print it once.")
    static final class Create implements Callable<Integer> {
        private final Map<String, String> env;
        @Mixin
        ConfigOption config;
        @Option(names = "--shard", required = true, paramLabel = "NAME", description = "The shard's id, as it says it in hello.")
        String shard;

        Create(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            return withTokens(config, env, tokens -> {
                String token = tokens.create(shard);
                System.out.println("token for shard " + shard + " (shown only now; the relay keeps a hash):");
                System.out.println(token);
                return PortalCli.EXIT_OK;
            });
        }
    }

    @Command(name = "revoke", description = "Revoke a shard's token: its next connection is refused.")
    static final class Revoke implements Callable<Integer> {
        private final Map<String, String> env;
        @Mixin
        ConfigOption config;
        @Option(names = "--shard", required = true, paramLabel = "NAME")
        String shard;

        Revoke(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            return withTokens(config, env, tokens -> {
                if (!tokens.revoke(shard)) {
                    System.err.println("portal: shard " + shard + " has no active token");
                    return PortalCli.EXIT_FAILED;
                }
                System.out.println("revoked the token of shard " + shard);
                return PortalCli.EXIT_OK;
            });
        }
    }

    @Command(name = "list", description = "List shards with tokens (never the tokens).")
    static final class ListTokens implements Callable<Integer> {
        private final Map<String, String> env;
        @Mixin
        ConfigOption config;

        ListTokens(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            return withTokens(config, env, tokens -> {
                for (ShardTokens.Entry e : tokens.list()) {
                    System.out.printf("%-24s created %s%s%n", e.shard(), e.createdAt(), e.revokedAt() == null ? "" : ", revoked " + e.revokedAt());
                }
                return PortalCli.EXIT_OK;
            });
        }
    }
}
