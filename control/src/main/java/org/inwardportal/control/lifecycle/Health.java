package org.inwardportal.control.lifecycle;

/** What a component says of itself: its state and a short human-readable detail (never a secret). */
public record Health(State state, String detail) {

    public enum State {
        STARTING, READY, DEGRADED, FAILED, STOPPED;

        /** Whether the relay can take shards with a component in this state. */
        public boolean ready() {
            return this == READY;
        }
    }

    public static Health starting() {
        return new Health(State.STARTING, "");
    }

    public static Health ready(String detail) {
        return new Health(State.READY, detail);
    }

    public static Health failed(String reason) {
        return new Health(State.FAILED, reason);
    }

    public static Health stopped() {
        return new Health(State.STOPPED, "");
    }
}
