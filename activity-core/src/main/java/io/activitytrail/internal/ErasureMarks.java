package io.activitytrail.internal;

import io.activitytrail.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users erased while some of their activities may still wait in the disk spool, each with the time
 * of the erasure: replay skips their activities created up to then, or an erasure during an outage
 * would be undone by the replay. Kept in the spool directory as well ({@value #FILE_NAME}, one
 * {@code <instant> TAB <user id>} line each; user ids hold no control characters), so that the next
 * start honours them too. Forgotten once the spool is empty. Thread-safe.
 */
final class ErasureMarks {
    static final String FILE_NAME = "erasures.tsv";
    private static final Logger LOG = LoggerFactory.getLogger(ErasureMarks.class);
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG);

    private final Map<String, Instant> marks = new ConcurrentHashMap<>();
    private final @Nullable Path file;

    /** @param file where the marks are kept, or null for memory only (no usable spool) */
    ErasureMarks(@Nullable Path file) {
        this.file = file;
        load();
    }

    synchronized void add(String userId, Instant erasedAt) {
        marks.merge(userId, erasedAt, (a, b) -> a.isAfter(b) ? a : b);
        if (file != null) {
            try {
                Files.writeString(file, erasedAt + "\t" + userId + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                RATE_LIMITED.warn("erasure-mark", "Cannot record an erasure in " + file
                        + "; it holds until this process stops", e);
            }
        }
    }

    /** Whether {@code activity} belongs to a user erased after it was created. */
    boolean covers(Activity activity) {
        if (marks.isEmpty()) {
            return false;
        }
        Instant erasedAt = marks.get(activity.userId());
        return erasedAt != null && !activity.createdAt().isAfter(erasedAt);
    }

    /** Forgets every mark; call only when the spool holds nothing that was logged before them. */
    synchronized void clear() {
        if (marks.isEmpty()) {
            return;
        }
        marks.clear();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                RATE_LIMITED.warn("erasure-mark", "Cannot delete " + file, e);
            }
        }
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab <= 0 || tab == line.length() - 1) {
                    continue; // a line torn by a crash
                }
                try {
                    marks.merge(line.substring(tab + 1), Instant.parse(line.substring(0, tab)),
                            (a, b) -> a.isAfter(b) ? a : b);
                } catch (DateTimeException e) {
                    LOG.warn("Skipped an unreadable line of {}", file);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the erasure marks in {}: spooled activities of erased users may be replayed", file, e);
        }
    }
}
