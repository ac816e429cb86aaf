package io.activitytrail;

import java.util.List;

/**
 * The outcome of {@link ActivityStore#write}.
 *
 * @param inserted rows newly stored; ids already stored are not counted (idempotent rewrite)
 * @param rejected activities refused for good, with the reason
 */
public record WriteResult(int inserted, List<RejectedActivity> rejected) {
    public WriteResult {
        rejected = List.copyOf(rejected);
    }

    public static WriteResult inserted(int inserted) {
        return new WriteResult(inserted, List.of());
    }
}
