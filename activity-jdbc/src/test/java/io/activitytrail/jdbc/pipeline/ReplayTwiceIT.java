package io.activitytrail.jdbc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testsupport.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replaying the same spool twice leaves the table as once: the store ignores ids it has. */
class ReplayTwiceIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @TempDir
    Path spoolDir;

    @TempDir
    Path copy;

    private ActivityTrail.Builder trail(PipelineFixture db) {
        return ActivityTrail.builder().store(db.store).spoolDirectory(spoolDir).batchSize(300)
                .retryInitialDelay(Duration.ofMillis(10)).retryMaxDelay(Duration.ofMillis(50)).retryMaxAttempts(2);
    }

    @Test
    void shouldLeaveTheRowCountUnchangedWhenTheSpoolIsReplayedTwice() throws Exception {
        try (PipelineFixture db = new PipelineFixture(postgres, "pipeline-replay-it")) {
            db.proxy.cut();
            ActivityTrail down = trail(db).build();
            for (int i = 0; i < 2_000; i++) {
                down.log(Activity.builder("user-" + (i % 10), "replay_test").description("#" + i).build());
            }
            down.close();
            copySegments(spoolDir, copy);
            assertThat(segments(copy)).isNotEmpty();
            db.proxy.restore();

            ActivityTrail first = trail(db).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> db.rows() == 2_000 && first.health().spoolBytes() == 0);
            first.close();
            copySegments(copy, spoolDir);
            ActivityTrail second = trail(db).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> second.health().spoolBytes() == 0);
            second.flush();
            second.close();

            assertThat(db.counts()).containsExactly(2_000, 2_000);
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).toList();
        }
    }

    private static void copySegments(Path from, Path to) throws IOException {
        for (Path f : segments(from)) {
            Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
