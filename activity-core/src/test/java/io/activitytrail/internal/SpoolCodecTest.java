package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.Activity;
import io.activitytrail.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpoolCodecTest {

    @Test
    void shouldReadBackEveryFieldWithTheSameIdAndTime() {
        Activity a = Activity.builder("user-42", "invoice_paid")
                .description("Paid invoice 17 — ünïcödé")
                .severity(Severity.WARNING)
                .ipAddress("2001:db8::1")
                .userAgent("Mozilla/5.0")
                .sessionId("abc")
                .requestId("req-1")
                .deviceInfo(Map.of("browser", "Firefox"))
                .locationInfo(Map.of("country", "NL"))
                .metadata(Map.of("invoice", "17", "tags", List.of("a", "b"), "nested", Map.of("ok", true)))
                .createdAt(Instant.parse("2026-01-02T03:04:05.123456Z"))
                .build();

        SpoolCodec.Decoded decoded = SpoolCodec.decode(SpoolCodec.encode(a, true));

        assertThat(decoded.described()).isTrue();
        assertThat(decoded.activity()).isEqualTo(a);
    }

    @Test
    void shouldKeepNumbersAsWritten() {
        Activity a = Activity.builder("user-1", "import")
                .metadata(Map.of("huge", new java.math.BigDecimal("1e400"), "int", 7, "long", 1L << 40, "dec", new java.math.BigDecimal("1.25")))
                .build();

        Activity back = SpoolCodec.decode(SpoolCodec.encode(a, true)).activity();

        assertThat(ActivityJson.toJson(back.metadata())).isEqualTo(ActivityJson.toJson(a.metadata()));
    }

    /** Regression: a spooled record with a 1,001-digit number tripped Jackson's limit and was skipped uncounted. */
    @Test
    void shouldReadBackRecordsThatNoLongerPassTheWriteTimeRules() {
        Activity stored = Activity.storedBuilder("user-1", "Legacy Action")
                .id(java.util.UUID.randomUUID())
                .createdAt(Instant.parse("2026-01-01T00:00:00Z"))
                .metadata(Map.of("n", new java.math.BigInteger("9".repeat(1_001))))
                .build();

        Activity back = SpoolCodec.decode(SpoolCodec.encode(stored, true)).activity();

        assertThat(back).isEqualTo(stored);
    }

    @Test
    void shouldKeepNullFieldsNull() {
        Activity a = Activity.builder("user-1", "login").build();

        Activity back = SpoolCodec.decode(SpoolCodec.encode(a, false)).activity();

        assertThat(back).isEqualTo(a);
        assertThat(back.description()).isNull();
        assertThat(back.sessionId()).isNull();
    }

    @Test
    void shouldRejectWhatIsNotASpooledActivity() {
        assertThatThrownBy(() -> SpoolCodec.decode(new byte[] {1, '{', '}'})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpoolCodec.decode(new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }
}
