package io.activitytrail;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A summary of one user's activity in the window {@code [from, to)}.
 *
 * @param total activities in the window
 * @param byAction count per action in the window
 * @param bySeverity count per severity in the window (every severity present, zero when none)
 * @param perDay count per UTC day in the window; days of the window that are missing are added
 *     with zero, so a store passes only the days it found
 * @param lastLoginAt the latest {@code login} of the user at any time, or null
 * @param failedLogins {@code login_failed} activities in the window
 * @param distinctIps distinct IP addresses in the window
 * @param distinctDevices distinct user agents in the window
 */
public record ActivityStats(
        String userId,
        Instant from,
        Instant to,
        long total,
        Map<String, Long> byAction,
        Map<Severity, Long> bySeverity,
        SortedMap<LocalDate, Long> perDay,
        @Nullable Instant lastLoginAt,
        long failedLogins,
        long distinctIps,
        long distinctDevices) {

    public ActivityStats {
        byAction = Map.copyOf(byAction);
        EnumMap<Severity, Long> severities = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            severities.put(s, bySeverity.getOrDefault(s, 0L));
        }
        bySeverity = Collections.unmodifiableMap(severities);
        TreeMap<LocalDate, Long> days = new TreeMap<>(perDay);
        for (LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to); day = day.plusDays(1)) {
            days.putIfAbsent(day, 0L);
        }
        perDay = Collections.unmodifiableSortedMap(days);
    }

    public Optional<Instant> lastLogin() {
        return Optional.ofNullable(lastLoginAt);
    }
}
