package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathParametersTest {
    @ParameterizedTest
    @CsvSource({
        "/ok;jsessionid=SECRET, /ok",
        "/a;x=1/b;y/c, /a/b/c",
        "/a/b;v=2/, /a/b/",
        "/;jsessionid=S, /",
        "/plain/path, /plain/path",
        "/encoded%3Bstays, /encoded%3Bstays",
    })
    void shouldDropEveryPathParameterAndKeepTheSegments(String uri, String path) {
        assertThat(RequestLogger.withoutPathParameters(uri)).isEqualTo(path);
    }
}
