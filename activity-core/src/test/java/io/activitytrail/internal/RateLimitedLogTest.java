package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RateLimitedLogTest {

    @Test
    void shouldLogOncePerIntervalAndKeyAndTellHowManyWereLeftOut() {
        List<String> lines = new ArrayList<>();
        Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        lines.add((String) args[0]);
                    }
                    return null;
                });
        RateLimitedLog log = new RateLimitedLog(logger, 50_000_000_000L);

        for (int i = 0; i < 5; i++) {
            log.warn("a", "problem a");
        }
        log.warn("b", "problem b");

        assertThat(lines).containsExactly("problem a", "problem b");

        RateLimitedLog eager = new RateLimitedLog(logger, 0);
        eager.warn("c", "problem c");
        eager.warn("c", "problem c");
        assertThat(lines).hasSize(4);
    }
}
