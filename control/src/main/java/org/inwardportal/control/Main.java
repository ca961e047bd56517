package org.inwardportal.control;

import org.inwardportal.control.cli.PortalCli;

/** Entry point of the {@code portal} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(PortalCli.execute(args, System.getenv()));
    }
}
