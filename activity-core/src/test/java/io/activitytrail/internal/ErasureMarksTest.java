package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureMarksTest {
    @TempDir
    Path dir;

    private static Activity of(String userId, Instant at) {
        return Activity.builder(userId, "test_action").createdAt(at).build();
    }

    /** Regression: a finishing erasure used to clear every mark once the spool was empty, another erasure's too. */
    @Test
    void shouldKeepAMarkUntilItsOwnErasureEndsWhenAnotherErasureFinishes() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            ErasureMarks marks = new ErasureMarks(dir.resolve(ErasureMarks.FILE_NAME), spool.mark());
            marks.started("alice", t);
            marks.started("bob", t);

            marks.finished("bob", spool.mark());
            marks.expire(spool);

            assertThat(marks.covers(of("alice", t.minusSeconds(1)))).isTrue();
            assertThat(marks.covers(of("bob", t.minusSeconds(1)))).isFalse();
        }
    }

    @Test
    void shouldKeepAFinishedMarkUntilTheSpoolIsReplayedPastWhereItEnded() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            ErasureMarks marks = new ErasureMarks(null, spool.mark());
            spool.append(List.of(of("alice", t.minusSeconds(5))), true, true);
            marks.started("alice", t);
            marks.finished("alice", spool.mark());
            marks.expire(spool);
            assertThat(marks.covers(of("alice", t.minusSeconds(5)))).isTrue();

            DiskSpool.Chunk chunk = spool.read(10);
            spool.commit(chunk);
            marks.expire(spool);

            assertThat(marks.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldHoldMarksOfAnEarlierRunUntilWhatTheSpoolHeldAtStartIsReplayed() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Path file = dir.resolve(ErasureMarks.FILE_NAME);
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(List.of(of("alice", t.minusSeconds(5))), true, true);
            ErasureMarks marks = new ErasureMarks(file, spool.mark());
            marks.started("alice", t);
        }
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            ErasureMarks marks = new ErasureMarks(file, spool.mark());
            marks.expire(spool);
            assertThat(marks.covers(of("alice", t.minusSeconds(5)))).isTrue();

            spool.commit(spool.read(10));
            marks.expire(spool);

            assertThat(marks.isEmpty()).isTrue();
            assertThat(file).doesNotExist();
        }
    }
}
