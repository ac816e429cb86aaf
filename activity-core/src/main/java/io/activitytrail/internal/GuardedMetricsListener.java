package io.activitytrail.internal;

import io.activitytrail.Activity;
import io.activitytrail.MetricsListener;
import io.activitytrail.RejectedActivity;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/** Runs a host's {@link MetricsListener} so that whatever it throws never reaches the pipeline. */
final class GuardedMetricsListener implements MetricsListener {
    private static final RateLimitedLog LOG = new RateLimitedLog(LoggerFactory.getLogger(GuardedMetricsListener.class));

    private final MetricsListener delegate;

    private GuardedMetricsListener(MetricsListener delegate) {
        this.delegate = delegate;
    }

    static MetricsListener guard(MetricsListener listener) {
        if (listener == MetricsListener.NONE || listener instanceof GuardedMetricsListener) {
            return listener;
        }
        return new GuardedMetricsListener(listener);
    }

    private static void failed(String method, Throwable e) {
        LOG.warn(method, "MetricsListener." + method + " threw; ignored", e);
    }

    @Override
    public void onEnqueued() {
        try {
            delegate.onEnqueued();
        } catch (RuntimeException | LinkageError e) {
            failed("onEnqueued", e);
        }
    }

    @Override
    public void onWritten(int rows, Duration latency) {
        try {
            delegate.onWritten(rows, latency);
        } catch (RuntimeException | LinkageError e) {
            failed("onWritten", e);
        }
    }

    @Override
    public void onRetry(int attempt, Throwable cause) {
        try {
            delegate.onRetry(attempt, cause);
        } catch (RuntimeException | LinkageError e) {
            failed("onRetry", e);
        }
    }

    @Override
    public void onSpooled(int rows) {
        try {
            delegate.onSpooled(rows);
        } catch (RuntimeException | LinkageError e) {
            failed("onSpooled", e);
        }
    }

    @Override
    public void onReplayed(int rows) {
        try {
            delegate.onReplayed(rows);
        } catch (RuntimeException | LinkageError e) {
            failed("onReplayed", e);
        }
    }

    @Override
    public void onDropped(Activity activity, String reason) {
        try {
            delegate.onDropped(activity, reason);
        } catch (RuntimeException | LinkageError e) {
            failed("onDropped", e);
        }
    }

    @Override
    public void onRejected(RejectedActivity rejected) {
        try {
            delegate.onRejected(rejected);
        } catch (RuntimeException | LinkageError e) {
            failed("onRejected", e);
        }
    }

    @Override
    public void onQueueDepth(int depth) {
        try {
            delegate.onQueueDepth(depth);
        } catch (RuntimeException | LinkageError e) {
            failed("onQueueDepth", e);
        }
    }

    @Override
    public void onSpoolRecordsSkipped(int records, String reason) {
        try {
            delegate.onSpoolRecordsSkipped(records, reason);
        } catch (RuntimeException | LinkageError e) {
            failed("onSpoolRecordsSkipped", e);
        }
    }

    @Override
    public void onEnrichmentFailed(Throwable cause) {
        try {
            delegate.onEnrichmentFailed(cause);
        } catch (RuntimeException | LinkageError e) {
            failed("onEnrichmentFailed", e);
        }
    }
}
