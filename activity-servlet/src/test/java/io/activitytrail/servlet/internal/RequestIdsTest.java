package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "A-b_c.d:e", "0", "3f2a9c1e-6b1d-4c59-9d0a-2d6f4b5e7a11"})
    void shouldKeepSafeIds(String id) {
        assertThat(RequestIds.orNew(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\nb", "a/b", "<script>", "é", "a\u0000"})
    void shouldReplaceUnsafeIdsWithAUuid(String id) {
        String made = RequestIds.orNew(id);

        assertThat(UUID.fromString(made).version()).isEqualTo(4);
        assertThat(UUID.fromString(made).variant()).isEqualTo(2);
    }

    @Test
    void shouldTakeIdsOfAtMost128Characters() {
        assertThat(RequestIds.orNew("a".repeat(128))).isEqualTo("a".repeat(128));
        assertThat(RequestIds.orNew("a".repeat(129))).isNotEqualTo("a".repeat(129)).hasSize(36);
        assertThat(RequestIds.orNew(null)).hasSize(36);
        assertThat(RequestIds.orNew(null)).isNotEqualTo(RequestIds.orNew(null));
    }
}
