package io.activitytrail.internal;

import io.activitytrail.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users erased while some of their activities may still wait in the disk spool, each with the time
 * of the erasure: replay skips their activities created up to then, or an erasure during an outage
 * would be undone by the replay.
 *
 * <p>Each mark lives from the start of its erasure until the spool has been replayed past the point
 * where it ended when that erasure finished: only then can the spool hold nothing of the user that
 * was logged before the erasure. So one erasure never ends another's mark. Kept in the spool
 * directory as well ({@value #FILE_NAME}, one {@code <instant> TAB <user id>} line each; user ids
 * hold no control characters), so that the next start honours them too, until what the spool held
 * at that start is replayed. Thread-safe.
 */
final class ErasureMarks {
    static final String FILE_NAME = "erasures.tsv";
    private static final Logger LOG = LoggerFactory.getLogger(ErasureMarks.class);
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG);

    /**
     * @param running erasures of the user that have started and not finished
     * @param through where the spool ended when the last of them finished; null while none did
     */
    private record Mark(Instant erasedAt, int running, DiskSpool.@Nullable Mark through) {}

    private final Map<String, Mark> marks = new ConcurrentHashMap<>();
    private final @Nullable Path file;

    /**
     * @param file where the marks are kept, or null for memory only (no usable spool)
     * @param spoolEnd where the spool ends at start: marks of an earlier run hold until then
     */
    ErasureMarks(@Nullable Path file, DiskSpool.@Nullable Mark spoolEnd) {
        this.file = file;
        load(spoolEnd);
    }

    /** An erasure of {@code userId} starts; call before it flushes the pipeline. */
    synchronized void started(String userId, Instant erasedAt) {
        marks.merge(userId, new Mark(erasedAt, 1, null),
                (old, now) -> new Mark(later(old.erasedAt(), erasedAt), old.running() + 1, old.through()));
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

    /** The erasure finished (or failed) when the spool ended at {@code spoolEnd}. */
    synchronized void finished(String userId, DiskSpool.@Nullable Mark spoolEnd) {
        marks.computeIfPresent(userId, (id, m) ->
                new Mark(m.erasedAt(), Math.max(0, m.running() - 1), later(m.through(), spoolEnd)));
    }

    /** Whether {@code activity} belongs to a user erased after it was created. */
    boolean covers(Activity activity) {
        if (marks.isEmpty()) {
            return false;
        }
        Mark mark = marks.get(activity.userId());
        return mark != null && !activity.createdAt().isAfter(mark.erasedAt());
    }

    boolean isEmpty() {
        return marks.isEmpty();
    }

    /** Forgets the marks whose erasures are done and whose spooled rows are all replayed (or skipped). */
    synchronized void expire(DiskSpool spool) {
        if (marks.isEmpty()) {
            return;
        }
        boolean removed = marks.values().removeIf(m -> m.running() == 0 && spool.replayedThrough(m.through()));
        if (removed) {
            save();
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            if (marks.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            List<String> lines = new ArrayList<>(marks.size());
            marks.forEach((user, m) -> lines.add(m.erasedAt() + "\t" + user));
            Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            RATE_LIMITED.warn("erasure-mark", "Cannot rewrite " + file + "; expired marks may be loaded again "
                    + "at the next start (harmless: they expire again)", e);
        }
    }

    private void load(DiskSpool.@Nullable Mark spoolEnd) {
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
                    Instant at = Instant.parse(line.substring(0, tab));
                    marks.merge(line.substring(tab + 1), new Mark(at, 0, spoolEnd),
                            (a, b) -> new Mark(later(a.erasedAt(), b.erasedAt()), 0, spoolEnd));
                } catch (DateTimeException e) {
                    LOG.warn("Skipped an unreadable line of {}", file);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the erasure marks in {}: spooled activities of erased users may be replayed", file, e);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static DiskSpool.@Nullable Mark later(DiskSpool.@Nullable Mark a, DiskSpool.@Nullable Mark b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int bySegment = Long.compare(a.segment(), b.segment());
        return bySegment > 0 || (bySegment == 0 && a.position() >= b.position()) ? a : b;
    }
}
