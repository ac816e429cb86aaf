package io.activitytrail.jdbc;

import io.activitytrail.RetentionResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one run of {@link JdbcActivityStore#runMaintenance()} did. The same facts are recorded in
 * the table {@code <table>_maintenance_runs}.
 *
 * @param ran false when another instance held the maintenance lock, so this one did nothing
 * @param createdPartitions partitions made (ahead of time, or for rows found in the default partition)
 * @param movedRows rows moved out of the default partition into their monthly partition
 * @param retention what retention removed, when the store applies retention in maintenance
 */
public record MaintenanceReport(
        Instant startedAt,
        Instant finishedAt,
        boolean ran,
        List<String> createdPartitions,
        long movedRows,
        @Nullable RetentionResult retentionResult) {

    public MaintenanceReport {
        createdPartitions = List.copyOf(createdPartitions);
    }

    public Optional<RetentionResult> retention() {
        return Optional.ofNullable(retentionResult);
    }
}
