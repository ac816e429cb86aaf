package io.activitytrail;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a timeline, newest first. Immutable.
 *
 * <p>{@link #nextCursor()} is present when there may be older activities; pass it to
 * {@link ActivityQuery.Builder#after(String)}. {@link #pagination()} is present when the query
 * asked for a numbered page.
 */
public final class ActivityPage {
    private final List<Activity> activities;
    private final @Nullable ActivityCursor next;
    private final @Nullable Pagination pagination;

    private ActivityPage(List<Activity> activities, @Nullable ActivityCursor next, @Nullable Pagination pagination) {
        this.activities = List.copyOf(activities);
        this.next = next;
        this.pagination = pagination;
    }

    /**
     * A page for keyset paging. Stores pass up to {@code limit + 1} rows read; the extra one only
     * tells that a next page exists.
     */
    public static ActivityPage ofKeyset(List<Activity> rowsRead, int limit) {
        requireNonNull(rowsRead, "rowsRead");
        if (rowsRead.size() <= limit) {
            return new ActivityPage(rowsRead, null, null);
        }
        List<Activity> page = rowsRead.subList(0, limit);
        return new ActivityPage(page, ActivityCursor.after(page.get(limit - 1)), null);
    }

    /** A numbered page; {@code total} counts every activity that matches the query. */
    public static ActivityPage ofNumbered(List<Activity> activities, int page, int limit, long total) {
        return ofNumbered(activities, page, limit, total, false);
    }

    /**
     * A numbered page whose total may be capped: with {@code totalCapped}, at least {@code total}
     * activities match (a store counts only so far, so that a page never scans a huge timeline).
     */
    public static ActivityPage ofNumbered(List<Activity> activities, int page, int limit, long total, boolean totalCapped) {
        Pagination pagination = new Pagination(page, limit, total, totalCapped);
        ActivityCursor next = page < pagination.totalPages() && !activities.isEmpty()
                ? ActivityCursor.after(activities.get(activities.size() - 1))
                : null;
        return new ActivityPage(activities, next, pagination);
    }

    public List<Activity> activities() {
        return activities;
    }

    /** The opaque cursor of the next (older) page, when there is one. */
    public Optional<String> nextCursor() {
        return next == null ? Optional.empty() : Optional.of(next.encode());
    }

    public Optional<Pagination> pagination() {
        return Optional.ofNullable(pagination);
    }

    /**
     * Numbered-page details, shaped like the dashboard's {@code pagination} object.
     *
     * @param totalCapped when true, {@code total} is a lower bound ("10,000+"): the store stopped counting there
     */
    public record Pagination(int page, int limit, long total, boolean totalCapped) {
        public Pagination(int page, int limit, long total) {
            this(page, limit, total, false);
        }

        public long totalPages() {
            return (total + limit - 1) / limit;
        }
    }
}
