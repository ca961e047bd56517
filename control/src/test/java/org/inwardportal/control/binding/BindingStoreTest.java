package org.inwardportal.control.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.TestDatabases;
import org.inwardportal.relay.binding.BindingPipeline;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bindings in both stores, for real: an SQLite file and the PostgreSQL scripts/test starts. */
class BindingStoreTest {
    @TempDir
    Path dir;

    private static Binding binding(BindingStore store, long voice, String shard) {
        return new Binding(store.newId(), 1001L, voice, 2002L, shard, "The " + shard + " world", BindingPipeline.ToShard.PER_SPEAKER,
                true, true, "3003", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void storedReadBackConflictsRefusedUpdatedAndDeleted(String kind) throws Exception {
        Database db = TestDatabases.start(kind, dir);
        try {
            BindingStore store = new BindingStore(db.dataSource());
            Binding alpha = binding(store, 9_000_000_000_000_000_001L, "alpha");
            store.insert(alpha);
            assertThat(store.byShard("alpha")).contains(alpha);
            assertThat(store.byVoiceChannel(9_000_000_000_000_000_001L)).contains(alpha);
            assertThat(store.byChannel(2002L)).containsExactly(alpha);
            assertThat(store.byGuild(1001L)).containsExactly(alpha);

            assertThatThrownBy(() -> store.insert(binding(store, 9_000_000_000_000_000_001L, "beta")))
                    .isInstanceOf(BindingStore.Conflict.class).hasMessageContaining("bound to alpha");
            assertThatThrownBy(() -> store.insert(binding(store, 42L, "alpha")))
                    .isInstanceOf(BindingStore.Conflict.class).hasMessageContaining("shard alpha");
            Binding beta = binding(store, 42L, "beta");
            store.insert(beta);
            assertThat(store.all()).containsExactly(alpha, beta);

            Binding mixed = alpha.withOptions(BindingPipeline.ToShard.MIXED, false, false);
            assertThat(store.update(mixed)).isTrue();
            assertThat(store.byId(alpha.id())).contains(mixed);

            assertThat(store.delete(alpha.id())).isTrue();
            assertThat(store.delete(alpha.id())).isFalse();
            assertThat(store.all()).containsExactly(beta);
        } finally {
            db.stop(Duration.ofSeconds(2));
        }
    }
}
