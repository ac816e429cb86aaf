package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.activitytrail.RejectedActivity;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
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
 * never retried. Bounded in size (a tenth of the spool's); days older than the retention period are
 * deleted by {@code applyRetention()}. Thread-safe.
 */
final class RejectedLog {
    private static final RateLimitedLog LOG = new RateLimitedLog(LoggerFactory.getLogger(RejectedLog.class));

    private final Path directory;
    private final Clock clock;
    /** Most bytes all rejected files may hold; past it, rejected rows are counted and logged only. */
    private final long maxBytes;

    RejectedLog(Path directory, Clock clock, long maxBytes) {
        this.directory = directory;
        this.clock = clock;
        this.maxBytes = maxBytes;
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
            Files.createDirectories(directory);
            long room = maxBytes - totalBytes();
            int kept = 0;
            for (RejectedActivity r : rejected) {
                int before = lines.size();
                try (JsonGenerator json = ActivityJson.generator(lines)) {
                    json.writeStartObject();
                    json.writeStringField("rejected_at", clock.instant().toString());
                    json.writeStringField("reason", r.reason());
                    json.writeFieldName("activity");
                    ActivityJson.write(json, r.activity());
                    json.writeEndObject();
                }
                lines.write('\n');
                if (lines.size() > room) {
                    // Full: this line and the rest are counted (by the caller) but not kept.
                    byte[] fits = java.util.Arrays.copyOf(lines.toByteArray(), before);
                    lines.reset();
                    lines.write(fits);
                    LOG.warn("rejected-full", "The rejected files in " + directory + " hold their limit of " + maxBytes
                            + " bytes; " + (rejected.size() - kept) + " rejected activities are counted but not set aside");
                    break;
                }
                kept++;
            }
            if (lines.size() == 0) {
                return;
            }
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
     * erasure: they hold the same personal data as the table), a line at a time; each changed file
     * is rewritten to a temporary file and moved over the old one.
     *
     * @return how many lines were removed
     * @throws UncheckedIOException when a file cannot be read or rewritten: the erasure is not
     *     complete, and the caller must not report it as such
     */
    synchronized long erase(String userId) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        long removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "rejected-*.ndjson")) {
            for (Path file : files) {
                Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
                long removedHere = 0;
                try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                        BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (userId.equals(userIdOf(line))) {
                            removedHere++;
                        } else {
                            out.write(line);
                            out.write('\n');
                        }
                    }
                }
                if (removedHere > 0) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    removed += removedHere;
                } else {
                    Files.delete(temporary);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot erase a user's set-aside activities in " + directory, e);
        }
        return removed;
    }

    /** Deletes the rejected files of days wholly before {@code cutoff} (retention); @return how many. */
    synchronized int expire(Instant cutoff) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        LocalDate lastDayToDelete = LocalDate.ofInstant(cutoff, ZoneOffset.UTC).minusDays(1);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "rejected-*.ndjson")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                try {
                    LocalDate day = LocalDate.parse(name.substring("rejected-".length(), name.length() - ".ndjson".length()));
                    if (!day.isAfter(lastDayToDelete)) {
                        Files.delete(file);
                        deleted++;
                    }
                } catch (java.time.format.DateTimeParseException ignored) {
                    // Not one of ours: left alone.
                }
            }
        } catch (IOException e) {
            LOG.warn("rejected-expire", "Cannot delete expired rejected files in " + directory, e);
        }
        return deleted;
    }

    /** Bytes held by the rejected files now. */
    private long totalBytes() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "rejected-*.ndjson")) {
            for (Path file : files) {
                total += Files.size(file);
            }
        }
        return total;
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
