package io.activitytrail;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link MetricsListener} that records the write pipeline in a Micrometer {@link MeterRegistry};
 * for any application, Spring or not. Needs {@code io.micrometer:micrometer-core} on the class
 * path (an optional dependency of activity-core: add it yourself).
 *
 * <pre>{@code
 * ActivityTrail trail = ActivityTrail.builder()
 *     .store(store)
 *     .metricsListener(new MicrometerMetricsListener(registry))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code activitytrail.activities.enqueued}</td><td>counter</td><td>accepted into the queue</td></tr>
 *   <tr><td>{@code activitytrail.activities.written}</td><td>counter</td><td>stored by batches and {@code logNow}</td></tr>
 *   <tr><td>{@code activitytrail.activities.spooled}</td><td>counter</td><td>written to the disk spool</td></tr>
 *   <tr><td>{@code activitytrail.activities.replayed}</td><td>counter</td><td>stored from the spool</td></tr>
 *   <tr><td>{@code activitytrail.activities.dropped}</td><td>counter, tag {@code reason}</td><td>dropped
 *       ({@code queue_full}, {@code block_timeout}, {@code spool_full}, {@code closed})</td></tr>
 *   <tr><td>{@code activitytrail.activities.rejected}</td><td>counter</td><td>refused by the store for good, set aside</td></tr>
 *   <tr><td>{@code activitytrail.batch.retries}</td><td>counter</td><td>failed batch writes that are retried</td></tr>
 *   <tr><td>{@code activitytrail.batch.size}</td><td>distribution summary</td><td>activities per stored batch</td></tr>
 *   <tr><td>{@code activitytrail.batch.latency}</td><td>timer</td><td>time of one batch write</td></tr>
 *   <tr><td>{@code activitytrail.queue.depth}</td><td>gauge</td><td>activities waiting in memory (sampled by the writer)</td></tr>
 *   <tr><td>{@code activitytrail.spool.skipped}</td><td>counter</td><td>unreadable spool records skipped</td></tr>
 *   <tr><td>{@code activitytrail.enrichment.failures}</td><td>counter</td><td>failed enrichment steps (location resolver, ...)</td></tr>
 * </table>
 *
 * <p>Thread-safe; every method is cheap and never blocks (the ones called on request threads are
 * a counter increment).
 */
public final class MicrometerMetricsListener implements MetricsListener {
    private static final String PREFIX = "activitytrail.";

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter enqueued;
    private final Counter written;
    private final Counter spooled;
    private final Counter replayed;
    private final Counter rejected;
    private final Counter retries;
    private final Counter skipped;
    private final Counter enrichmentFailures;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final AtomicInteger queueDepth = new AtomicInteger();
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();

    /** Registers the meters in {@code registry}. */
    public MicrometerMetricsListener(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /** Registers the meters in {@code registry}, each with {@code tags} (e.g. {@code trail=audit} when there are several). */
    public MicrometerMetricsListener(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = requireNonNull(registry, "registry");
        this.tags = Tags.of(requireNonNull(tags, "tags"));
        this.enqueued = counter("activities.enqueued", "Activities accepted into the queue");
        this.written = counter("activities.written", "Activities stored by batches and logNow");
        this.spooled = counter("activities.spooled", "Activities written to the disk spool");
        this.replayed = counter("activities.replayed", "Activities stored from the disk spool");
        this.rejected = counter("activities.rejected", "Activities refused by the store for good and set aside");
        this.retries = counter("batch.retries", "Failed batch writes that are retried");
        this.skipped = counter("spool.skipped", "Unreadable spool records skipped");
        this.enrichmentFailures = counter("enrichment.failures", "Failed enrichment steps");
        this.batchSize = DistributionSummary.builder(PREFIX + "batch.size").tags(this.tags)
                .description("Activities per stored batch").baseUnit("activities").register(registry);
        this.batchLatency = Timer.builder(PREFIX + "batch.latency").tags(this.tags)
                .description("Time of one batch write to the store").register(registry);
        Gauge.builder(PREFIX + "queue.depth", queueDepth, AtomicInteger::get).tags(this.tags)
                .description("Activities waiting in memory for the writer").register(registry);
        for (String reason : new String[] {DROPPED_QUEUE_FULL, DROPPED_BLOCK_TIMEOUT, DROPPED_SPOOL_FULL, DROPPED_CLOSED}) {
            droppedCounter(reason);
        }
    }

    private Counter counter(String name, String description) {
        return Counter.builder(PREFIX + name).tags(tags).description(description).register(registry);
    }

    private Counter droppedCounter(String reason) {
        return dropped.computeIfAbsent(reason, r -> Counter.builder(PREFIX + "activities.dropped")
                .tags(tags).tag("reason", r).description("Activities dropped, by reason").register(registry));
    }

    @Override
    public void onEnqueued() {
        enqueued.increment();
    }

    @Override
    public void onWritten(int rows, Duration latency) {
        written.increment(rows);
        batchSize.record(rows);
        batchLatency.record(latency);
    }

    @Override
    public void onRetry(int attempt, Throwable cause) {
        retries.increment();
    }

    @Override
    public void onSpooled(int rows) {
        spooled.increment(rows);
    }

    @Override
    public void onReplayed(int rows) {
        replayed.increment(rows);
    }

    @Override
    public void onDropped(Activity activity, String reason) {
        Counter counter = dropped.get(reason);
        (counter != null ? counter : droppedCounter(reason)).increment();
    }

    @Override
    public void onRejected(RejectedActivity rejectedActivity) {
        rejected.increment();
    }

    @Override
    public void onQueueDepth(int depth) {
        queueDepth.set(depth);
    }

    @Override
    public void onSpoolRecordsSkipped(int records, String reason) {
        skipped.increment(records);
    }

    @Override
    public void onEnrichmentFailed(Throwable cause) {
        enrichmentFailures.increment();
    }
}
