package org.inwardportal.discord.dave;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * One {@link FrameDecryptor} per sending user, looked up by the primitive user id without boxing
 * (a {@code Map<Long, ...>} lookup allocates a {@code Long} per frame for snowflake ids). Users
 * come and go rarely: changes copy the arrays, lookups read a consistent snapshot without locks.
 */
final class UserDecryptors {
    private record Table(long[] ids, FrameDecryptor[] decryptors) {}

    private volatile Table table = new Table(new long[0], new FrameDecryptor[0]);

    /** The decryptor of {@code userId}, or null. */
    FrameDecryptor get(long userId) {
        Table t = table;
        long[] ids = t.ids;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == userId) return t.decryptors[i];
        }
        return null;
    }

    /** Adds {@code decryptor} for {@code userId} unless there is one; returns the one in the table. */
    synchronized FrameDecryptor putIfAbsent(long userId, FrameDecryptor decryptor) {
        FrameDecryptor existing = get(userId);
        if (existing != null) return existing;
        Table t = table;
        long[] ids = Arrays.copyOf(t.ids, t.ids.length + 1);
        FrameDecryptor[] ds = Arrays.copyOf(t.decryptors, t.decryptors.length + 1);
        ids[ids.length - 1] = userId;
        ds[ds.length - 1] = decryptor;
        table = new Table(ids, ds);
        return decryptor;
    }

    /** Removes and returns the decryptor of {@code userId}, or null. */
    synchronized FrameDecryptor remove(long userId) {
        Table t = table;
        for (int i = 0; i < t.ids.length; i++) {
            if (t.ids[i] != userId) continue;
            FrameDecryptor removed = t.decryptors[i];
            long[] ids = new long[t.ids.length - 1];
            FrameDecryptor[] ds = new FrameDecryptor[t.ids.length - 1];
            System.arraycopy(t.ids, 0, ids, 0, i);
            System.arraycopy(t.ids, i + 1, ids, i, ids.length - i);
            System.arraycopy(t.decryptors, 0, ds, 0, i);
            System.arraycopy(t.decryptors, i + 1, ds, i, ds.length - i);
            table = new Table(ids, ds);
            return removed;
        }
        return null;
    }

    /** Every (user, decryptor) of a snapshot. */
    void forEach(BiConsumer<Long, FrameDecryptor> action) {
        Table t = table;
        for (int i = 0; i < t.ids.length; i++) action.accept(t.ids[i], t.decryptors[i]);
    }

    /** Removes all and returns them. */
    synchronized FrameDecryptor[] clear() {
        FrameDecryptor[] all = table.decryptors;
        table = new Table(new long[0], new FrameDecryptor[0]);
        return all;
    }
}
