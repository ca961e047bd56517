package org.inwardportal.signaling;

import java.time.Duration;

/** The signaling server's limits; each breach has a documented close code or error. */
public record SignalingLimits(int maxMessageBytes, int messagesPerSecond, int connectionsPerAddress,
                              Duration idleTimeout, Duration helloTimeout, Duration authFailureDelay) {
    public static SignalingLimits defaults() {
        return new SignalingLimits(64 * 1024, 50, 20, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMillis(500));
    }
}
