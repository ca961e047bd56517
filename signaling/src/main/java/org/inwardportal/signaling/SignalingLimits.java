package org.inwardportal.signaling;

import java.time.Duration;

/**
 * The signaling server's limits; each breach has a documented close code or error.
 * {@code answerTimeout}: how long a relay offer waits for the shard's answer before it is made
 * again (with whatever was asked for meanwhile), at most {@link #OFFER_ATTEMPTS} times.
 */
public record SignalingLimits(int maxMessageBytes, int messagesPerSecond, int connectionsPerAddress,
                              Duration idleTimeout, Duration helloTimeout, Duration authFailureDelay, Duration answerTimeout) {
    public static final int OFFER_ATTEMPTS = 3;

    public SignalingLimits(int maxMessageBytes, int messagesPerSecond, int connectionsPerAddress,
                           Duration idleTimeout, Duration helloTimeout, Duration authFailureDelay) {
        this(maxMessageBytes, messagesPerSecond, connectionsPerAddress, idleTimeout, helloTimeout, authFailureDelay, Duration.ofSeconds(10));
    }

    public static SignalingLimits defaults() {
        return new SignalingLimits(64 * 1024, 50, 20, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMillis(500));
    }
}
