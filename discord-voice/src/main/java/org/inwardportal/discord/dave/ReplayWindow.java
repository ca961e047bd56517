package org.inwardportal.discord.dave;

/**
 * Whitepaper "Truncated synchronization nonce": a decryptor decrypts a given key/nonce only once.
 * Tracks the newest nonce (generation and nonce combined into one growing number) and which of the
 * {@value #SIZE} before it were seen, so frames out of order still decrypt once and a replay or
 * anything older than the window is refused. (libdave keeps a list of up to 1000 missing nonces;
 * a bitmap does the same job without allocating.)
 */
final class ReplayWindow {
    static final int SIZE = 1024;
    private final long[] seen = new long[SIZE / 64];
    private long newest = -1;

    /** {@code generation << 24 | low 24 bits of the nonce}: grows by one per frame across generation wraps. */
    static long bigNonce(long generation, int truncatedNonce) {
        return (generation << DaveFrameFormat.GENERATION_SHIFT) | (truncatedNonce & 0xFF_FFFFL);
    }

    boolean canProcess(long bigNonce) {
        if (newest < 0 || bigNonce > newest) return true;
        if (newest - bigNonce >= SIZE) return false;
        return !isSeen(bigNonce);
    }

    void markProcessed(long bigNonce) {
        if (newest < 0) {
            newest = bigNonce;
        } else if (bigNonce > newest) {
            long gap = bigNonce - newest;
            if (gap >= SIZE) {
                java.util.Arrays.fill(seen, 0);
            } else {
                for (long n = newest + 1; n < bigNonce; n++) clear(n);
            }
            newest = bigNonce;
        }
        set(bigNonce);
    }

    private boolean isSeen(long n) {
        int bit = (int) (n & (SIZE - 1));
        return (seen[bit >>> 6] & (1L << bit)) != 0;
    }

    private void set(long n) {
        int bit = (int) (n & (SIZE - 1));
        seen[bit >>> 6] |= 1L << bit;
    }

    private void clear(long n) {
        int bit = (int) (n & (SIZE - 1));
        seen[bit >>> 6] &= ~(1L << bit);
    }
}
