package io.activitytrail;

import io.activitytrail.internal.Text;
import java.util.Locale;

/** How serious an activity is. Stored in lower case ({@code info}, {@code warning}, ...). */
public enum Severity {
    INFO,
    WARNING,
    ERROR,
    CRITICAL;

    /** The lower-case name used in storage, JSON and query parameters. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a severity name, ignoring case.
     *
     * @throws IllegalArgumentException naming the value when it is not a severity
     */
    public static Severity fromValue(String value) {
        for (Severity severity : values()) {
            if (severity.name().equalsIgnoreCase(value)) {
                return severity;
            }
        }
        throw new IllegalArgumentException(
                "severity must be one of info, warning, error, critical, but was " + Text.quoteForMessage(value));
    }
}
