package org.inwardportal.relay.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A small mutation fuzzer: starting from valid seed inputs it flips bits, overwrites bytes with
 * boundary values, truncates, extends, duplicates and splices, for a bounded time, and hands each
 * case to a target. Seeded, so a failure can be replayed from the seed it prints.
 */
public final class Mutator {
    private static final byte[] INTERESTING = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe, 0x10, 0x20, 0x40};

    private Mutator() {
    }

    /** Runs the target on mutated inputs for {@code budget}; returns how many cases ran. */
    public static long fuzz(List<byte[]> seeds, Duration budget, long seed, Consumer<byte[]> target) {
        Random r = new Random(seed);
        long deadline = System.nanoTime() + budget.toNanos();
        long cases = 0;
        while (System.nanoTime() < deadline) {
            byte[] input = mutate(seeds.get(r.nextInt(seeds.size())), seeds, r);
            try {
                target.accept(input);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("fuzz case " + cases + " (seed " + seed + ") failed on input "
                        + java.util.HexFormat.of().formatHex(input), e);
            }
            cases++;
        }
        return cases;
    }

    static byte[] mutate(byte[] base, List<byte[]> seeds, Random r) {
        byte[] b = base.clone();
        int rounds = 1 + r.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            switch (r.nextInt(7)) {
                case 0 -> { if (b.length > 0) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8)); }
                case 1 -> { if (b.length > 0) b[r.nextInt(b.length)] = INTERESTING[r.nextInt(INTERESTING.length)]; }
                case 2 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
                case 3 -> {
                    byte[] extra = new byte[r.nextInt(64)];
                    r.nextBytes(extra);
                    byte[] n = Arrays.copyOf(b, b.length + extra.length);
                    System.arraycopy(extra, 0, n, b.length, extra.length);
                    b = n;
                }
                case 4 -> { // a 16-bit length-like field set to something wrong
                    if (b.length > 2) {
                        int at = r.nextInt(b.length - 1);
                        int v = r.nextInt(4) == 0 ? 0xffff : r.nextInt(b.length * 2 + 1);
                        b[at] = (byte) (v >>> 8);
                        b[at + 1] = (byte) v;
                    }
                }
                case 5 -> { // splice with another seed
                    byte[] other = seeds.get(r.nextInt(seeds.size()));
                    int cut = b.length == 0 ? 0 : r.nextInt(b.length);
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    byte[] n = Arrays.copyOf(b, cut + other.length - from);
                    System.arraycopy(other, from, n, cut, other.length - from);
                    b = n;
                }
                default -> {
                    byte[] noise = new byte[r.nextInt(200)];
                    r.nextBytes(noise);
                    b = noise;
                }
            }
        }
        return b;
    }
}
