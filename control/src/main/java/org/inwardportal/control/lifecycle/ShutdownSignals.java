package org.inwardportal.control.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C): the first asks the daemon to drain and stop; a second one exits at
 * once. Handling the signals ourselves (rather than through shutdown hooks) is what lets the
 * process finish its orderly stop and exit 0, and lets a second signal cut it short.
 */
public final class ShutdownSignals {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {
    }

    public static void install(Runnable onFirst) {
        AtomicBoolean seen = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal signal = new Signal(name);
            Signal.handle(signal, s -> {
                if (seen.compareAndSet(false, true)) {
                    log.info("SIG{} received: stopping (send it again to exit at once)", s.getName());
                    onFirst.run();
                } else {
                    log.warn("second SIG{}: exiting at once", s.getName());
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }
            });
        }
    }
}
