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
        "/health, /health/, true",
        "/health, //health, true",
        "/health, /, false",
        "/webjars/**, //webjars/x, true",
        "/webjars/**, /, false",
        "/*/items, /orders/items, true",
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

    /** Found by the property below: a star in the pattern facing a '*' in the path was read as that character, not as a wildcard. */
    @ParameterizedTest
    @CsvSource({"/b/*, /b/*a, true", "*a, *xa, true", "/x/*, /x/*, true", "/x/a*, /x/a*b, true"})
    void shouldTreatAStarInThePatternAsAWildcardWhereThePathHasAStarToo(String pattern, String path, boolean expected) {
        assertThat(PathPattern.compile(pattern.startsWith("/") ? pattern : "/" + pattern).matches(path.startsWith("/") ? path : "/" + path))
                .isEqualTo(expected);
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

    /**
     * The shortcuts (an extension compared in place, {@code /**} at once, a plain first segment
     * compared without splitting) give the verdict of the full match by segments, here written
     * as a regular expression over the path with its empty segments dropped.
     */
    @net.jqwik.api.Property(tries = 5_000)
    void shouldMatchWithItsShortcutsAsTheFullMatchBySegmentsDoes(@net.jqwik.api.ForAll("patterns") String pattern,
            @net.jqwik.api.ForAll("paths") String path) {
        PathPattern compiled = PathPattern.compile(pattern);
        net.jqwik.api.Assume.that(compiled != null && !pattern.startsWith("*."));
        String normalised = java.util.Arrays.stream(PathPattern.segments(path)).map(seg -> "/" + seg)
                .collect(java.util.stream.Collectors.joining());

        assertThat(compiled.matches(path)).as("%s against %s", pattern, path).isEqualTo(normalised.matches(regex(pattern)));
    }

    private static String regex(String pattern) {
        StringBuilder out = new StringBuilder();
        for (String segment : PathPattern.segments(pattern)) {
            if (segment.equals("**")) {
                out.append("(?:/[^/]+)*");
                continue;
            }
            out.append('/');
            for (char c : segment.toCharArray()) {
                out.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> patterns() {
        net.jqwik.api.Arbitrary<String> segment = net.jqwik.api.Arbitraries.of("a", "b", "ab", "*", "**", "a*", "?", "?b", "");
        return segment.list().ofMinSize(0).ofMaxSize(4).map(list -> "/" + String.join("/", list));
    }
}
