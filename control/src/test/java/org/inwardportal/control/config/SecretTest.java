package org.inwardportal.control.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {
    @Test
    void matchesOnlyTheSameValue() {
        Secret s = Secret.of("correct horse battery staple");
        assertThat(s.matches("correct horse battery staple")).isTrue();
        assertThat(s.matches("correct horse battery stapl")).isFalse();
        assertThat(s.matches("correct horse battery staple!")).isFalse();
        assertThat(s.matches("")).isFalse();
        assertThat(s.matches(null)).isFalse();
    }

    @Test
    void neverPrintsItself() {
        Secret s = Secret.of("hunter2hunter2hunter2");
        assertThat(s.toString()).isEqualTo("<redacted>");
        assertThat(String.valueOf(s)).doesNotContain("hunter2");
        assertThatThrownBy(() -> Secret.of("")).isInstanceOf(IllegalArgumentException.class);
    }
}
