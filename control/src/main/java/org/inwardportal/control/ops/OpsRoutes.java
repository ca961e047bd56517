package org.inwardportal.control.ops;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.inwardportal.control.lifecycle.Health;

/**
 * What the ops endpoints report, supplied by the daemon: readiness from the components' health,
 * metrics from the registry.
 */
public record OpsRoutes(Supplier<Map<String, Health>> health, BooleanSupplier ready, Supplier<String> metrics) {
}
