package org.inwardportal.signaling;

/** WebSocket close codes the relay's signaling uses (documented in docs/signaling.md). */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int TOO_LARGE = 1009;
    public static final int HELLO_TIMEOUT = 4001;
    public static final int UNSUPPORTED_VERSION = 4002;
    public static final int AUTHENTICATION_FAILED = 4003;
    public static final int RATE_LIMITED = 4008;
    public static final int REPLACED = 4010;
    public static final int IDLE_TIMEOUT = 4011;
    public static final int TOO_MANY_CONNECTIONS = 4029;

    private CloseCodes() {
    }
}
