package org.inwardportal.control.lifecycle;

import java.time.Duration;

/**
 * A part of the daemon with a start and a stop. The {@link Daemon} starts components in order and
 * stops them in reverse; readiness is the sum of their {@link #health()}.
 */
public interface Component {

    String name();

    void start() throws Exception;

    /** Drain and close within {@code budget}; called once, also after a failed start. */
    void stop(Duration budget) throws Exception;

    Health health();
}
