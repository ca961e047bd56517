package org.inwardportal.control.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order given and stops the started ones in reverse order, each within
 * what is left of the shutdown budget. Thread-safe: a signal handler may call {@link #requestStop()}.
 */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final List<Component> components;
    private final List<Component> started = new ArrayList<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public Daemon(List<Component> components) {
        this.components = List.copyOf(components);
    }

    /** Starts every component; on the first failure stops those already started and rethrows. */
    public void start(Duration stopBudget) throws StartupException {
        for (Component c : components) {
            long t0 = System.nanoTime();
            try {
                c.start();
            } catch (Exception e) {
                synchronized (started) {
                    started.add(c); // a half-started component may hold resources; stop() must be safe
                }
                stop(stopBudget);
                throw new StartupException(c.name(), e);
            }
            synchronized (started) {
                started.add(c);
            }
            log.debug("{} started in {} ms", c.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    /** Health of every component, in start order. */
    public Map<String, Health> health() {
        Map<String, Health> out = new LinkedHashMap<>();
        for (Component c : components) {
            out.put(c.name(), c.health());
        }
        return out;
    }

    public boolean ready() {
        return health().values().stream().allMatch(h -> h.state().ready());
    }

    public void requestStop() {
        stopRequested.countDown();
    }

    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Stops started components in reverse order. Returns true when all stopped cleanly within the
     * budget; a component that fails or overruns is logged and the rest still stop.
     */
    public boolean stop(Duration budget) {
        List<Component> toStop;
        synchronized (started) {
            toStop = new ArrayList<>(started.reversed());
            started.clear();
        }
        long deadline = System.nanoTime() + budget.toNanos();
        boolean clean = true;
        for (Component c : toStop) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            boolean hadTime = !left.isZero();
            try {
                c.stop(left);
            } catch (Exception e) {
                clean = false;
                log.warn("{} did not stop cleanly: {}", c.name(), e.toString());
            }
            if (hadTime && System.nanoTime() > deadline) {
                clean = false;
                log.warn("shutdown budget of {} ms used up while stopping {}", budget.toMillis(), c.name());
            }
        }
        return clean;
    }

    /** A component failed to start; the message names it and the cause in one line. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String component;

        StartupException(String component, Throwable cause) {
            super(component + " failed to start: " + describe(cause), cause);
            this.component = component;
        }

        public String component() {
            return component;
        }

        private static String describe(Throwable t) {
            StringBuilder sb = new StringBuilder();
            Throwable cur = t;
            int depth = 0;
            while (cur != null && depth++ < 4) {
                if (!sb.isEmpty()) sb.append(" <- ");
                String m = cur.getMessage();
                sb.append(m == null || m.isBlank() ? cur.getClass().getSimpleName() : m.replaceAll("\\s+", " "));
                cur = cur.getCause() == cur ? null : cur.getCause();
            }
            return sb.toString();
        }
    }
}
