package org.inwardportal.control.cli;

import java.util.concurrent.Callable;
import org.inwardportal.control.Version;
import org.inwardportal.relay.net.IoTransport;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version, the Java runtime and the network transport in use.")
final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("portal " + Version.current());
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        IoTransport t = IoTransport.best();
        System.out.println("transport " + t.name().toLowerCase()
                + (t == IoTransport.NIO ? " (epoll unavailable: " + IoTransport.epollUnavailableReason() + ")" : ""));
        return PortalCli.EXIT_OK;
    }
}
