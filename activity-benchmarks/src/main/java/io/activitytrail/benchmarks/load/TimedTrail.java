package io.activitytrail.benchmarks.load;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityTrail;
import io.activitytrail.ExportFormat;
import io.activitytrail.PipelineHealth;
import io.activitytrail.RetentionResult;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A trail that times each {@code log(Activity)} call the filter makes (on the request thread, as
 * the host feels it) into a fixed reservoir of the first samples after {@link #reset()}.
 */
final class TimedTrail implements ActivityTrail {
    private final ActivityTrail delegate;
    private final long[] samples = new long[4_000_000];
    private final AtomicInteger count = new AtomicInteger();

    TimedTrail(ActivityTrail delegate) {
        this.delegate = delegate;
    }

    void reset() {
        count.set(0);
    }

    /** Percentiles in nanoseconds of the calls since {@link #reset()}: p50, p99, p99.9, and the count. */
    long[] percentiles() {
        int n = Math.min(count.get(), samples.length);
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        return n == 0 ? new long[] {0, 0, 0, 0}
                : new long[] {sorted[n / 2], sorted[(int) (n * 0.99)], sorted[(int) Math.min(n - 1, n * 0.999)], n};
    }

    @Override
    public void log(Activity activity) {
        long start = System.nanoTime();
        delegate.log(activity);
        long took = System.nanoTime() - start;
        int i = count.getAndIncrement();
        if (i < samples.length) {
            samples[i] = took;
        }
    }

    @Override
    public void logNow(Activity activity) {
        delegate.logNow(activity);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public PipelineHealth health() {
        return delegate.health();
    }

    @Override
    public Duration pingStore(Duration timeout) {
        return delegate.pingStore(timeout);
    }

    @Override
    public ActivityPage query(ActivityQuery query) {
        return delegate.query(query);
    }

    @Override
    public ActivityStats stats(String userId, Duration window) {
        return delegate.stats(userId, window);
    }

    @Override
    public long export(String userId, ExportFormat format, OutputStream out, Set<String> fields) throws IOException {
        return delegate.export(userId, format, out, fields);
    }

    @Override
    public long eraseUser(String userId) {
        return delegate.eraseUser(userId);
    }

    @Override
    public RetentionResult applyRetention() {
        return delegate.applyRetention();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
