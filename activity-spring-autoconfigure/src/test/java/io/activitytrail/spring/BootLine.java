package io.activitytrail.spring;

import org.springframework.boot.SpringBootVersion;

/** Which Boot line the tests run on: this module's own (4.0) or activity-spring-autoconfigure-boot3-test's (3.5). */
final class BootLine {
    private BootLine() {}

    static boolean isBoot4() {
        return SpringBootVersion.getVersion().startsWith("4.");
    }
}
