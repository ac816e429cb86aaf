package io.activitytrail.jdbc.pipeline;

import io.activitytrail.testing.CountingListener;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testsupport.PostgresExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A row PostgreSQL refuses for good does not hold up its batch: the rest is stored, it is set aside with its reason. */
class PoisonRowIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @TempDir
    Path spoolDir;

    @Test
    void shouldStoreTheOtherRowsAndSetThePoisonRowAside() throws Exception {
        CountingListener counts = new CountingListener();
        try (PipelineFixture db = new PipelineFixture(postgres, "pipeline-poison-it")) {
            ActivityTrail trail = ActivityTrail.builder().store(db.store).spoolDirectory(spoolDir)
                    .metricsListener(counts).batchSize(100).flushInterval(Duration.ofMinutes(1)).build();
            List<UUID> good = new ArrayList<>();
            // jsonb cannot hold a NUL in a string: PostgreSQL refuses the row for good.
            Activity poison = Activity.builder("user-1", "poison_test")
                    .metadata(Map.of("note", "a\u0000b")).build();
            for (int i = 0; i < 99; i++) {
                if (i == 42) {
                    trail.log(poison);
                }
                Activity a = Activity.builder("user-1", "poison_test").description("#" + i).build();
                trail.log(a);
                good.add(a.id());
            }

            trail.flush();
            trail.close();

            assertThat(db.ids()).containsExactlyInAnyOrderElementsOf(good);
            assertThat(counts.rejected).singleElement().satisfies(r -> {
                assertThat(r.activity().id()).isEqualTo(poison.id());
                assertThat(r.reason()).isNotBlank();
            });
            assertThat(counts.retries.sum()).isZero();
            assertThat(counts.spooled.sum()).isZero();
            try (Stream<Path> files = Files.list(spoolDir)) {
                Path rejected = files.filter(p -> p.getFileName().toString().matches("rejected-.*\\.ndjson"))
                        .findFirst().orElseThrow();
                List<String> lines = Files.readAllLines(rejected, StandardCharsets.UTF_8);
                assertThat(lines).singleElement().asString().contains(poison.id().toString())
                        .contains("\"reason\":\"" + counts.rejected.get(0).reason());
            }
        }
    }
}
