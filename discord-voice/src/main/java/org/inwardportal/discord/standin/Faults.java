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
    private volatile Duration udpJitter = Duration.ZERO;
    private volatile boolean ignoreHeartbeats;
    private volatile Duration voiceResumeDelay = Duration.ZERO;

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

    /**
     * Further delay, uniform in [0, jitter) and drawn per packet, so packets also arrive out of
     * order: network jitter, either way.
     */
    public Faults udpJitter(Duration jitter) {
        this.udpJitter = jitter;
        return this;
    }

    /** Stop (or resume) answering gateway and voice-gateway heartbeats. */
    public Faults ignoreHeartbeats(boolean ignore) {
        this.ignoreHeartbeats = ignore;
        return this;
    }

    /** The voice gateway answers a RESUME only after this long: what it sends meanwhile waits in the session's replay buffer. */
    public Faults voiceResumeDelay(Duration delay) {
        this.voiceResumeDelay = delay;
        return this;
    }

    public Faults clear() {
        udpLoss = 0;
        udpDelay = Duration.ZERO;
        udpJitter = Duration.ZERO;
        ignoreHeartbeats = false;
        voiceResumeDelay = Duration.ZERO;
        return this;
    }

    /** This packet's delay: the fixed delay plus its share of jitter. */
    long delayNanos() {
        long jitter = udpJitter.toNanos();
        return udpDelay.toNanos() + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter) : 0);
    }

    boolean dropPacket() {
        double p = udpLoss;
        return p > 0 && ThreadLocalRandom.current().nextDouble() < p;
    }

    long voiceResumeDelayNanos() {
        return voiceResumeDelay.toNanos();
    }

    boolean ignoreHeartbeats() {
        return ignoreHeartbeats;
    }
}
