package org.inwardportal.relay.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every buffer leak Netty's detector reports, at PARANOID level (every buffer tracked), so a
 * test can assert there were none. Install before Netty allocates anything (the relay module runs
 * each test class in a fresh JVM).
 */
public final class LeakRecorder {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval, maxActive) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.add(resourceType + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.add(resourceType);
                    }
                };
            }
        });
    }

    private LeakRecorder() {
    }

    public static void install() {
        // the static initialiser did it
    }

    /** Collects garbage and lets the detector notice; returns the leaks seen so far. */
    public static List<String> leaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // The detector reports leaks when a tracked buffer is next allocated.
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return List.copyOf(LEAKS);
    }
}
