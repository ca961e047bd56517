package org.inwardportal.discord.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One thread drives many connections: each is polled when its wait ends or when it is woken, not otherwise. */
class SendSchedulerTest {
    /** Waits a fixed time between polls unless woken; counts polls. */
    private static final class Fake implements SendScheduler.Paced {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicBoolean wake = new AtomicBoolean();
        volatile long waitNanos;
        volatile boolean stop;
        volatile RuntimeException failure;
        volatile Thread pollThread;
        final CountDownLatch woken = new CountDownLatch(1);

        Fake(long waitNanos) {
            this.waitNanos = waitNanos;
        }

        @Override
        public long poll() {
            pollThread = Thread.currentThread();
            polls.incrementAndGet();
            if (wake.getAndSet(false)) woken.countDown();
            if (failure != null) throw failure;
            return stop ? -1 : waitNanos;
        }

        @Override
        public boolean wakePending() {
            return wake.get();
        }
    }

    @Test
    void oneThreadPollsEachConnectionAtItsTimeAndAtOnceWhenWoken() throws Exception {
        SendScheduler s = new SendScheduler("test-paced-sender");
        Fake idle = new Fake(TimeUnit.SECONDS.toNanos(30));
        Fake ticking = new Fake(TimeUnit.MILLISECONDS.toNanos(20));
        Thread t1 = s.add(idle);
        Thread t2 = s.add(ticking);
        assertThat(t2).isSameAs(t1);

        Thread.sleep(500);
        assertThat(idle.polls.get()).as("polled once on arrival, then not until its wait ends").isEqualTo(1);
        assertThat(ticking.polls.get()).as("a 20 ms wait is polled about 25 times in 0.5 s").isBetween(10, 30);
        assertThat(idle.pollThread).isSameAs(t1);
        assertThat(ticking.pollThread).isSameAs(t1);

        long woke = System.nanoTime();
        idle.wake.set(true);
        java.util.concurrent.locks.LockSupport.unpark(t1);
        assertThat(idle.woken.await(1, TimeUnit.SECONDS)).as("a wake is seen long before the 30 s wait ends").isTrue();
        assertThat(System.nanoTime() - woke).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void aStoppedOrFailingConnectionLeavesAndTheOthersGoOn() throws Exception {
        SendScheduler s = new SendScheduler("test-paced-sender");
        Fake failing = new Fake(TimeUnit.MILLISECONDS.toNanos(5));
        Fake stopping = new Fake(TimeUnit.MILLISECONDS.toNanos(5));
        Fake healthy = new Fake(TimeUnit.MILLISECONDS.toNanos(5));
        s.add(failing);
        s.add(stopping);
        s.add(healthy);
        failing.failure = new IllegalStateException("boom (expected by the test)");
        stopping.stop = true;
        Thread.sleep(100);
        assertThat(s.size()).isEqualTo(1);
        int before = healthy.polls.get();
        Thread.sleep(100);
        assertThat(healthy.polls.get()).as("the healthy connection is still polled").isGreaterThan(before);

        s.remove(healthy);
        assertThat(s.size()).isZero();
    }
}
