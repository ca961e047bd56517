package org.inwardportal.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoredTimeTest {
    @Test
    void textOrderIsTimeOrderAndItReadsBack() {
        Instant onTheSecond = Instant.parse("2026-12-01T04:31:30Z");
        Instant later = onTheSecond.plusMillis(8);
        assertThat(onTheSecond.toString().compareTo(later.toString())).as("what Instant.toString gave: out of order").isPositive();
        assertThat(StoredTime.of(onTheSecond)).isEqualTo("2026-12-01T04:31:30.000000000Z");
        assertThat(StoredTime.of(onTheSecond).compareTo(StoredTime.of(later))).isNegative();
        assertThat(StoredTime.of(later.plusNanos(1)).compareTo(StoredTime.of(later.plusNanos(2)))).isNegative();
        assertThat(Instant.parse(StoredTime.of(later.plusNanos(123)))).isEqualTo(later.plusNanos(123));
    }
}
