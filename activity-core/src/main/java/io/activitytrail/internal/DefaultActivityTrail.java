package io.activitytrail.internal;

import static java.util.Objects.requireNonNull;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityTrail;
import io.activitytrail.ExportFormat;
import io.activitytrail.RetentionResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ActivityTrail} that {@link ActivityTrail.Builder#build()} makes. */
public final class DefaultActivityTrail implements ActivityTrail {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultActivityTrail.class);
    private static final Duration MIN_STATS_WINDOW = Duration.ofMinutes(1);
    private static final Duration MAX_STATS_WINDOW = Duration.ofDays(3660);

    private final TrailConfig config;

    public DefaultActivityTrail(TrailConfig config) {
        this.config = config;
    }

    @Override
    public void log(Activity activity) {
        requireNonNull(activity, "activity");
        config.store().write(List.of(activity));
    }

    @Override
    public void log(String userId, String action, @org.jspecify.annotations.Nullable String description) {
        log(Activity.builder(userId, action).description(description).createdAt(config.clock().instant()).build());
    }

    @Override
    public void logNow(Activity activity) {
        requireNonNull(activity, "activity");
        config.store().write(List.of(activity));
    }

    @Override
    public void flush() {}

    @Override
    public ActivityPage query(ActivityQuery query) {
        return config.store().query(requireNonNull(query, "query"));
    }

    @Override
    public ActivityStats stats(String userId, Duration window) {
        Activity.validateUserId(userId);
        requireNonNull(window, "window");
        if (window.compareTo(MIN_STATS_WINDOW) < 0 || window.compareTo(MAX_STATS_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be between " + MIN_STATS_WINDOW + " and "
                    + MAX_STATS_WINDOW + ", but was " + window);
        }
        Instant to = config.clock().instant();
        return config.store().stats(userId, to.minus(window), to);
    }

    @Override
    public long export(String userId, ExportFormat format, OutputStream out) throws IOException {
        Activity.validateUserId(userId);
        requireNonNull(format, "format");
        requireNonNull(out, "out");
        flush();
        ExportWriter writer = new ExportWriter(format, out);
        long count;
        try {
            count = config.store().export(userId, writer);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.finish();
        return count;
    }

    @Override
    public long eraseUser(String userId) {
        Activity.validateUserId(userId);
        flush();
        long erased = config.store().eraseUser(userId);
        LOG.info("Erased {} activities of one user", erased);
        return erased;
    }

    @Override
    public RetentionResult applyRetention() {
        Instant cutoff = config.clock().instant().minus(config.retention());
        RetentionResult result = config.store().applyRetention(cutoff);
        LOG.info("Retention removed {} activities created before {} ({} partitions dropped)",
                result.deletedRows(), result.cutoff(), result.droppedPartitions().size());
        return result;
    }

    @Override
    public void close() {}
}
