package io.activitytrail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where activities are kept: PostgreSQL ({@code JdbcActivityStore}) in production,
 * {@link InMemoryActivityStore} for tests and demos. Every implementation must pass the contract
 * suite in {@code activity-test-support} ({@code ActivityStoreContractTest}).
 *
 * <p>Implementations are thread-safe. {@link #write} is called from the writer thread of an
 * {@link ActivityTrail} (or the caller's thread in synchronous mode); reads from any thread.
 */
public interface ActivityStore extends AutoCloseable {

    /**
     * Stores a batch. Idempotent: an activity whose id is already stored is skipped, so a batch can
     * be retried any number of times without duplicates.
     *
     * @return how many rows were newly inserted, and which activities were refused for good (the
     *     others are stored all the same)
     * @throws ActivityStoreException when the batch could not be written for a reason that may pass
     *     (database down, connection lost); nothing or all of the batch may have been stored, and
     *     the caller retries it whole
     */
    WriteResult write(List<Activity> batch);

    /**
     * Reads one page of a user's timeline, newest first ({@code createdAt}, then {@code id},
     * descending; ids compare as PostgreSQL's {@code uuid} does: unsigned, byte by byte).
     */
    ActivityPage query(ActivityQuery query);

    /** Summarises a user's activity in {@code [from, to)}; see {@link ActivityStats}. */
    ActivityStats stats(String userId, Instant from, Instant to);

    /**
     * Streams every activity of a user, oldest first ({@code createdAt}, then {@code id},
     * ascending), to {@code sink} without holding them all in memory. The sink runs on the calling
     * thread; an exception it throws ends the export.
     *
     * @return how many activities were passed to the sink
     */
    long export(String userId, Consumer<? super Activity> sink);

    /**
     * Deletes every activity of a user (right to erasure). From then on, {@link #write} skips the
     * user's activities created up to the erasure (they count as neither inserted nor refused), so
     * that no retry, spool replay or other instance brings them back; activities created after it
     * are stored as usual. A store may forget an erasure once retention has removed activities as
     * old as it (the JDBC store does; the in-memory one never forgets).
     *
     * @return how many were deleted
     */
    long eraseUser(String userId);

    /** Deletes every activity created before {@code cutoff}. */
    RetentionResult applyRetention(Instant cutoff);

    /**
     * A standing problem of the store that failed writes do not show, for health checks: partitions
     * it cannot make, a maintenance run that failed. Empty when there is none (the default). Called
     * from {@link ActivityTrail#health()} on any thread, so it must be cheap and must not block.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /**
     * Checks that the store answers, for health checks: a round trip that reads and writes
     * nothing (for PostgreSQL, {@code SELECT 1} with {@code timeout} as its statement timeout).
     * Default: nothing to check (a store in memory always answers).
     *
     * @throws ActivityStoreException when the store does not answer
     */
    default void ping(Duration timeout) {}

    /**
     * Tells the store whom to call when it learns that a user was erased elsewhere (by another
     * instance on the same database), so that the caller can drop what it still holds of that user:
     * cached data, spooled activities. An optimisation only: a store shared by many instances must
     * itself refuse to store activities of a user created before the user's erasure, whoever
     * writes them.
     *
     * <p>{@link ActivityTrail} calls this once, when it is built, with a callback that is
     * thread-safe and returns quickly. The store calls it on a thread of its own (for
     * {@code JdbcActivityStore}, {@code activity-erasure-listener}) with the user id and the time
     * of the erasure, possibly also for erasures made through this very store, and possibly more
     * than once for one erasure. Default: never calls it (a store not shared between processes).
     */
    default void onErasure(BiConsumer<String, Instant> callback) {}

    /** Releases what the store holds (a pool it made itself, say). Default: nothing. */
    @Override
    default void close() {}
}
