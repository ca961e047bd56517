package org.inwardportal.discord.voice;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread that paces every voice connection of the process, instead of a parked thread
 * per connection. Measured with a thread per connection (load harness, 20 bindings): each frame
 * toward Discord cost a futex wake on the relay's event loop and a park/unpark on its own thread,
 * and 200 bindings would be 200 more threads. Here a frame's wake sets its connection's flag and
 * unparks this one thread, which is free when it is already running (no system call), so wakes that
 * come while it sends coalesce. Per wake it looks at every connection, but only reads two fields of
 * each that is not due (about a nanosecond), so a few hundred connections cost a microsecond.
 */
final class SendScheduler {
    /** What the scheduler drives: one connection's send state machine. */
    interface Paced {
        /** Does what is due now; nanoseconds until it next needs a look (a wake may come first), or -1 once it stopped. */
        long poll();

        /** True when a wake came that {@link #poll} should see now (cheap: a volatile read). */
        boolean wakePending();
    }

    private static final Logger log = LoggerFactory.getLogger(SendScheduler.class);
    private static final Entry[] NONE = {};
    /** Every voice connection of the process (declared after NONE, which its constructor reads). */
    static final SendScheduler SHARED = new SendScheduler("voice-paced-sender");

    private static final class Entry {
        final Paced paced;
        long dueNanos = System.nanoTime(); // when poll is due (at once, first); scheduler thread only

        Entry(Paced paced) {
            this.paced = paced;
        }
    }

    private final String threadName;
    private volatile Entry[] entries = NONE;
    private Thread thread;

    SendScheduler(String threadName) {
        this.threadName = threadName;
    }

    /** Starts driving {@code p} (its first poll comes at once); returns the thread that does, for wakes. */
    synchronized Thread add(Paced p) {
        Entry[] next = Arrays.copyOf(entries, entries.length + 1);
        next[next.length - 1] = new Entry(p);
        entries = next;
        if (thread == null) {
            thread = new Thread(this::run, threadName);
            thread.setDaemon(true);
            thread.setPriority((Thread.NORM_PRIORITY + Thread.MAX_PRIORITY) / 2);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
        return thread;
    }

    /** Stops driving {@code p}; any thread. A poll already under way finishes. */
    synchronized void remove(Paced p) {
        Entry[] now = entries;
        for (int i = 0; i < now.length; i++) {
            if (now[i].paced == p) {
                Entry[] next = new Entry[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                entries = next;
                return;
            }
        }
    }

    int size() {
        return entries.length;
    }

    private void run() {
        for (;;) {
            Entry[] all = entries;
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Entry e : all) {
                if (e.dueNanos - now <= 0 || e.paced.wakePending()) {
                    long wait = pollSafely(e.paced);
                    now = System.nanoTime(); // a send takes a while: later connections' due times compare with the real now
                    if (wait < 0) {
                        remove(e.paced);
                        continue;
                    }
                    e.dueNanos = now + wait;
                }
                if (next == Long.MAX_VALUE || e.dueNanos - next < 0) next = e.dueNanos;
            }
            // a wake after its connection was looked at left a permit: this park returns at once
            if (next == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(this, wait);
            }
        }
    }

    // one connection's failure must not stop the others' audio: it stops alone, as its own thread would have
    private static long pollSafely(Paced p) {
        try {
            return p.poll();
        } catch (RuntimeException e) {
            log.error("voice send stopped for one connection", e);
            return -1;
        }
    }
}
