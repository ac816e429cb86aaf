package io.activitytrail;

import java.time.Instant;
import java.util.List;

/**
 * What one retention run removed.
 *
 * @param cutoff activities created before this instant were removed
 * @param droppedPartitions partitions dropped whole (empty for stores without partitions)
 * @param deletedRows rows removed, those of dropped partitions included
 */
public record RetentionResult(Instant cutoff, List<String> droppedPartitions, long deletedRows) {
    public RetentionResult {
        droppedPartitions = List.copyOf(droppedPartitions);
    }
}
