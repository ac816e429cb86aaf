package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.LegacyAbstractLogger;

class RateLimitedLogTest {

    @Test
    void shouldLogOncePerIntervalPerKeyAndSayHowManyWereLeftOut() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong(0);
        RateLimitedLog log = new RateLimitedLog(recording(lines), 60_000_000_000L, now::get);
        RuntimeException cause = new RuntimeException("x");

        log.warn("a", "first", cause);
        log.warn("a", "second", cause);
        log.warn("a", "third", cause);
        log.warn("b", "other key", cause);
        now.set(60_000_000_000L);
        log.warn("a", "after a minute", cause);

        assertThat(lines).containsExactly("first", "other key", "after a minute (2 more like it in the last minute)");
    }

    private static Logger recording(List<String> lines) {
        return new LegacyAbstractLogger() {
            @Override
            protected String getFullyQualifiedCallerName() {
                return null;
            }

            @Override
            protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, org.slf4j.Marker marker, String msg,
                    Object[] arguments, Throwable throwable) {
                lines.add(msg);
            }

            @Override
            public boolean isTraceEnabled() {
                return true;
            }

            @Override
            public boolean isDebugEnabled() {
                return true;
            }

            @Override
            public boolean isInfoEnabled() {
                return true;
            }

            @Override
            public boolean isWarnEnabled() {
                return true;
            }

            @Override
            public boolean isErrorEnabled() {
                return true;
            }
        };
    }
}
