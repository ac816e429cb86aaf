package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.activitytrail.RejectedActivity;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
                try (JsonGenerator json = ActivityJson.generator(lines)) {
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

    /**
     * Removes the set-aside activities of {@code userId} from every rejected file (right to
     * erasure: they hold the same personal data as the table). Each changed file is rewritten
     * to a temporary file and moved over the old one.
     *
     * @return how many lines were removed
     */
    synchronized long erase(String userId) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        long removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "rejected-*.ndjson")) {
            for (Path file : files) {
                List<String> kept = new ArrayList<>();
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (!userId.equals(userIdOf(line))) {
                        kept.add(line);
                    }
                }
                if (kept.size() < lines.size()) {
                    removed += lines.size() - kept.size();
                    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
                    Files.write(temporary, kept, StandardCharsets.UTF_8);
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("rejected-erase", "Cannot erase a user's activities from the rejected files in " + directory, e);
        }
        return removed;
    }

    private static String userIdOf(String line) {
        try {
            JsonNode userId = ActivityJson.readTree(line).path("activity").path("user_id");
            return userId.isTextual() ? userId.asText() : "";
        } catch (IOException e) {
            return ""; // a torn line: kept for the operator
        }
    }
}
