package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.activitytrail.RejectedActivity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sets aside the activities a store refused for good, one JSON line each with the reason, in
 * {@code rejected-YYYY-MM-DD.ndjson} in the spool directory: kept for an operator to look at,
 * never retried. Thread-safe.
 */
final class RejectedLog {
    private static final RateLimitedLog LOG = new RateLimitedLog(LoggerFactory.getLogger(RejectedLog.class));

    private final Path directory;
    private final Clock clock;

    RejectedLog(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    static String fileName(LocalDate day) {
        return "rejected-" + day + ".ndjson";
    }

    synchronized void append(List<RejectedActivity> rejected) {
        if (rejected.isEmpty()) {
            return;
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        try {
            for (RejectedActivity r : rejected) {
                try (JsonGenerator json = ActivityJson.MAPPER.getFactory().createGenerator(lines)) {
                    json.writeStartObject();
                    json.writeStringField("rejected_at", clock.instant().toString());
                    json.writeStringField("reason", r.reason());
                    json.writeFieldName("activity");
                    ActivityJson.write(json, r.activity());
                    json.writeEndObject();
                }
                lines.write('\n');
            }
            Files.createDirectories(directory);
            Path file = directory.resolve(fileName(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)));
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                lines.writeTo(out);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("rejected", "Cannot set aside " + rejected.size() + " rejected activities in " + directory
                    + "; they are counted but their content is lost", e);
        }
    }
}
