package org.inwardportal.control.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Status boards in both stores: one per guild, replaced, removed only while still the same message. */
class StatusBoardStoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void oneBoardPerGuild(String kind) throws Exception {
        Database db = TestDatabases.start(kind, dir);
        try {
            StatusBoardStore s = new StatusBoardStore(db::dataSource);
            var first = new StatusBoardStore.Board(9_000_000_000_000_000_001L, 11L, 12L);
            assertThat(s.put(first, "u1")).isEmpty();
            var second = new StatusBoardStore.Board(first.guildId(), 21L, 22L);
            assertThat(s.put(second, "u2")).contains(first);
            assertThat(s.put(new StatusBoardStore.Board(5L, 51L, 52L), "u3")).isEmpty();
            assertThat(s.get(first.guildId())).contains(second);
            assertThat(s.all()).hasSize(2);

            assertThat(s.remove(first.guildId(), 12L)).as("an old message id does not remove the new board").isFalse();
            assertThat(s.remove(first.guildId(), 22L)).isTrue();
            assertThat(s.get(first.guildId())).isEmpty();
            assertThat(s.all()).extracting(StatusBoardStore.Board::guildId).containsExactly(5L);
        } finally {
            db.stop(Duration.ofSeconds(2));
        }
    }
}
