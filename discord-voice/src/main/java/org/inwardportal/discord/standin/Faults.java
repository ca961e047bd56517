package org.inwardportal.discord.standin;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fault injection, settable from a test at any time: lost and delayed voice packets in either
 * direction, and heartbeats left unanswered. Socket closes with chosen codes are methods of
 * {@link DiscordStandIn}.
 */
public final class Faults {
    private volatile double udpLoss;
    private volatile Duration udpDelay = Duration.ZERO;
    private volatile boolean ignoreHeartbeats;

    /** Probability (0..1) that any voice UDP packet, either way, is dropped. */
    public Faults udpLoss(double probability) {
        this.udpLoss = probability;
        return this;
    }

    /** Extra delay added to every voice UDP packet, either way. */
    public Faults udpDelay(Duration delay) {
        this.udpDelay = delay;
        return this;
    }

    /** Stop (or resume) answering gateway and voice-gateway heartbeats. */
    public Faults ignoreHeartbeats(boolean ignore) {
        this.ignoreHeartbeats = ignore;
        return this;
    }

    public Faults clear() {
        udpLoss = 0;
        udpDelay = Duration.ZERO;
        ignoreHeartbeats = false;
        return this;
    }

    boolean dropPacket() {
        double p = udpLoss;
        return p > 0 && ThreadLocalRandom.current().nextDouble() < p;
    }

    Duration udpDelay() {
        return udpDelay;
    }

    boolean ignoreHeartbeats() {
        return ignoreHeartbeats;
    }
}
