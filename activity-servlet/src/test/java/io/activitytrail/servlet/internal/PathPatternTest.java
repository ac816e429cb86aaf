package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

    @ParameterizedTest
    @CsvSource({
        "/webjars/**, /webjars/jquery/3.7/jquery.js, true",
        "/webjars/**, /webjars, true",
        "/webjars/**, /webjarsx/a, false",
        "/actuator/**, /actuator, true",
        "/actuator/**, /actuator/health/liveness, true",
        "/health, /health, true",
        "/health, /health/x, false",
        "/health, /healthz, false",
        "/orders/*, /orders/17, true",
        "/orders/*, /orders/17/items, false",
        "/orders/*/items, /orders/17/items, true",
        "/api/**/export, /api/a/b/c/export, true",
        "/api/**/export, /api/export, true",
        "/api/**/export, /api/a/b/c/exports, false",
        "/v?/users, /v2/users, true",
        "/v?/users, /v10/users, false",
        "/files/*.pdf, /files/a.pdf, true",
        "/files/*.pdf, /files/a.pdf.exe, false",
        "/**, /, true",
        "/**, /anything/at/all, true",
        "*.css, /static/app.css, true",
        "*.css, /app.CSS, true",
        "*.css, /css, false",
        "*.css, /static/.css, false",
        "*.css, /app.css/evil, false",
        "*.js, /app.json, false",
    })
    void shouldMatchAntStylePatterns(String pattern, String path, boolean expected) {
        assertThat(PathPattern.compile(pattern).matches(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "health", "*.", "**.css", "api/**", "/a\nb"})
    void shouldRefuseWhatIsNotAPattern(String pattern) {
        assertThat(PathPattern.compile(pattern)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"a*b*c*d, abcd, true", "a*b*c*d, aXbYcZd, true", "*a, bbbba, true", "*a, bbbb, false", "?, '', false"})
    void shouldMatchSegmentGlobsWithoutBacktrackingBlowUp(String pattern, String text, boolean expected) {
        assertThat(PathPattern.matchSegment(pattern, text)).isEqualTo(expected);
        assertThat(PathPattern.matchSegment("*a*a*a*a*a*a*a*a*b", "a".repeat(5000))).isFalse();
    }

    /** The hand-written split (once per request instead of once per pattern) splits as String.split, dropping empty segments. */
    @net.jqwik.api.Property(tries = 2_000)
    void shouldSplitAPathIntoItsNonEmptySegments(@net.jqwik.api.ForAll("paths") String path) {
        String[] expected = java.util.Arrays.stream(path.split("/")).filter(seg -> !seg.isEmpty()).toArray(String[]::new);
        assertThat(PathPattern.segments(path)).containsExactly(expected);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> paths() {
        return net.jqwik.api.Arbitraries.strings().withChars("/ab.*").ofMaxLength(12);
    }
}
