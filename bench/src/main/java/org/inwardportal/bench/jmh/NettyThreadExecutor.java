package org.inwardportal.bench.jmh;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's benchmark threads as Netty's own kind ({@link FastThreadLocalThread}), for benchmarks of
 * code that runs on the endpoint's event loop in the relay: Netty's pooled buffers and recyclers
 * use thread caches only on such threads, so a plain JMH thread would show allocations the relay
 * does not have. Selected with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=<this class>}.
 */
public final class NettyThreadExecutor extends AbstractExecutorService {
    private final ExecutorService delegate;

    public NettyThreadExecutor(int maxThreads, String prefix) {
        AtomicInteger n = new AtomicInteger();
        delegate = Executors.newFixedThreadPool(maxThreads, r -> new FastThreadLocalThread(r, prefix + "-" + n.incrementAndGet()));
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }

    @Override
    public void execute(Runnable command) {
        delegate.execute(command);
    }
}
