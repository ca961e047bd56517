package org.inwardportal.control.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DaemonTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    private final class Part implements Component {
        final String name;
        final boolean failStart;
        final long stopMillis;
        volatile Health health = Health.starting();

        Part(String name, boolean failStart, long stopMillis) {
            this.name = name;
            this.failStart = failStart;
            this.stopMillis = stopMillis;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            events.add("start " + name);
            if (failStart) {
                throw new IllegalStateException("port 1 in use");
            }
            health = Health.ready("ok");
        }

        @Override
        public void stop(Duration budget) throws InterruptedException {
            events.add("stop " + name);
            Thread.sleep(stopMillis);
            health = Health.stopped();
        }

        @Override
        public Health health() {
            return health;
        }
    }

    @Test
    void startsInOrderStopsInReverseAndReportsReadiness() throws Exception {
        Daemon d = new Daemon(List.of(new Part("a", false, 0), new Part("b", false, 0), new Part("c", false, 0)));
        assertThat(d.ready()).isFalse();
        d.start(Duration.ofSeconds(1));
        assertThat(d.ready()).isTrue();
        assertThat(d.health().keySet()).containsExactly("a", "b", "c");
        assertThat(d.stop(Duration.ofSeconds(1))).isTrue();
        assertThat(events).containsExactly("start a", "start b", "start c", "stop c", "stop b", "stop a");
        assertThat(d.ready()).isFalse();
        assertThat(d.stop(Duration.ofSeconds(1))).as("a second stop does nothing").isTrue();
        assertThat(events).hasSize(6);
    }

    @Test
    void aFailedStartStopsWhatStartedAndNamesTheComponent() {
        Daemon d = new Daemon(List.of(new Part("db", false, 0), new Part("http", true, 0), new Part("never", false, 0)));
        assertThatThrownBy(() -> d.start(Duration.ofSeconds(1)))
                .isInstanceOf(Daemon.StartupException.class)
                .hasMessage("http failed to start: port 1 in use");
        assertThat(events).containsExactly("start db", "start http", "stop http", "stop db");
    }

    @Test
    void aSlowComponentUsesUpTheBudgetButTheRestStillStop() throws Exception {
        Daemon d = new Daemon(List.of(new Part("first", false, 0), new Part("slow", false, 300)));
        d.start(Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        assertThat(d.stop(Duration.ofMillis(100))).isFalse();
        assertThat(events).endsWith("stop slow", "stop first");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }
}
