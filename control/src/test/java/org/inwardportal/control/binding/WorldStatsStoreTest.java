package org.inwardportal.control.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import org.inwardportal.control.store.Database;
import org.inwardportal.control.store.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Daily world stats in both stores: sums, the peak as a maximum, periods by day, forgetting. */
class WorldStatsStoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void daysAddUpAndPeriodsSelectTheirDays(String kind) throws Exception {
        Database db = TestDatabases.start(kind, dir);
        try {
            WorldStatsStore s = new WorldStatsStore(db::dataSource);
            LocalDate d1 = LocalDate.of(2026, 11, 1);
            LocalDate d2 = d1.plusDays(1);
            s.add("b1", d1, 1, 4, 0, 0);
            s.add("b1", d1, 0, 2, 1_000, 60_000);   // a lower count leaves the peak
            s.add("b1", d1, 1, 9, 500, 0);
            s.add("b1", d2, 1, 3, 0, 5_000_000_000L); // more than 32 bits of milliseconds
            s.add("b2", d1, 5, 50, 1, 1);

            assertThat(s.totals("b1", d1, d1)).isEqualTo(new WorldStatsStore.Totals(1, 2, 9, 1_500, 60_000));
            assertThat(s.totals("b1", d1, d2)).isEqualTo(new WorldStatsStore.Totals(2, 3, 9, 1_500, 5_000_060_000L));
            assertThat(s.totals("b1", d2.plusDays(1), d2.plusDays(7))).isEqualTo(new WorldStatsStore.Totals(0, 0, 0, 0, 0));

            s.forget("b1");
            assertThat(s.totals("b1", d1, d2).days()).isZero();
            assertThat(s.totals("b2", d1, d2).sessions()).isEqualTo(5);
        } finally {
            db.stop(Duration.ofSeconds(2));
        }
    }
}
