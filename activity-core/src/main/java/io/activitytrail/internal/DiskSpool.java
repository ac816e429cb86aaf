package io.activitytrail.internal;

import io.activitytrail.Activity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk spool: activities the store could not take, kept until it can. Append-only segment
 * files {@code spool-<20-digit sequence>.seg} in one directory, each an 8-byte header
 * {@code ATSPOOL2} followed by records of a 16-byte header {@code [marker A5 5A C3 3C][int payload
 * length][int CRC32 of payload][int CRC32 of the 12 bytes before]} and the payload (big-endian;
 * payload per {@link SpoolCodec}). Records are read back oldest segment first; a segment is deleted
 * only once every record in it was {@link #commit committed} (stored).
 *
 * <p>Damage costs only the damaged records: a record whose header fails its checksum (a flipped
 * length, say) is skipped by scanning for the next marker whose header checks out (the marker
 * bytes cannot occur inside a payload, which is a flags byte and UTF-8 JSON); a payload with a bad
 * checksum is skipped alone; a torn tail (a write cut by a crash) ends its segment. Skipped records
 * and bytes are counted exactly, and a damaged segment is moved aside as {@code *.corrupt} once
 * replayed, never deleted, so that an operator can look at it. The directory is locked
 * ({@code spool.lock}) so that two trails never share it. Total size is bounded; an append that does
 * not fit is refused. Thread-safe: appends come from the writer thread and, on queue overflow, from
 * callers.
 */
final class DiskSpool implements AutoCloseable {
    static final String LOCK_FILE = "spool.lock";
    /** Where replay stood in a half-replayed segment at close, so that a clean restart does not store those rows again. */
    static final String CURSOR_FILE = "replay.pos";
    static final int SEGMENT_HEADER = 8;
    static final int RECORD_HEADER = 16;
    static final int MAX_PAYLOAD = 1 << 20;
    /** Starts every record. C3 3C is not valid UTF-8, so a payload can never hold these bytes. */
    static final int RECORD_MARKER = 0xA55AC33C;
    static final String CORRUPT_SUFFIX = ".corrupt";

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpool.class);
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG);
    private static final byte[] MAGIC = "ATSPOOL2".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern SEGMENT = Pattern.compile("spool-(\\d{20})\\.seg");

    /**
     * Records read from one segment; hand it back to {@link #commit} once they are stored.
     *
     * @param skipped records found damaged or unreadable and left out (a damaged stretch whose
     *     headers cannot be read counts one record per marker found in it, at least one)
     * @param skippedBytes bytes of the segment left out with them
     */
    record Chunk(long segment, long startPosition, long endPosition, List<SpoolCodec.Decoded> records,
            int skipped, long skippedBytes, @Nullable String skipReason, boolean endOfSegment) {}

    /** A point in the spool: everything appended before it sits before {@code position} of {@code segment}. */
    record Mark(long segment, long position) {}

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final @Nullable FileChannel lockChannel;
    private final @Nullable FileLock lock;
    private final @Nullable String unavailable;
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private volatile long totalBytes;
    private volatile int segmentCount;
    private volatile @Nullable String lastError;
    /** Set while appends fail (a full disk, say), cleared by the next append that works. */
    private volatile @Nullable String appendError;
    /** Segments in which replay found damage: moved aside instead of deleted once replayed. */
    private final java.util.Set<Long> damaged = new java.util.HashSet<>();
    private @Nullable FileChannel out;
    private long outSegment = -1;
    private long nextSegment;
    private long readSegment = -1;
    private long readPosition;
    private boolean closed;

    private DiskSpool(Path directory, long maxBytes, @Nullable FileChannel lockChannel, @Nullable FileLock lock,
            @Nullable String unavailable) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(64 * 1024L, Math.min(64L << 20, maxBytes / 8));
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.unavailable = unavailable;
    }

    /** Opens (creating and locking) the spool directory. Never throws: a spool that cannot be used says why in {@link #unavailableReason()}. */
    static DiskSpool open(Path directory, long maxBytes) {
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return unusable(directory, maxBytes, "spool directory " + directory + " is locked by another process");
            }
            DiskSpool spool = new DiskSpool(directory, maxBytes, channel, lock, null);
            spool.scan();
            return spool;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            return unusable(directory, maxBytes, "spool directory " + directory + " is used by another ActivityTrail in this JVM");
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            return unusable(directory, maxBytes, "cannot open spool directory " + directory + ": " + e);
        }
    }

    private static DiskSpool unusable(Path directory, long maxBytes, String reason) {
        LOG.error("{}; activities that would be spooled are dropped and counted instead", reason);
        return new DiskSpool(directory, maxBytes, null, null, reason);
    }

    private void scan() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "spool-*.seg")) {
            for (Path file : files) {
                Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches()) {
                    long seq = Long.parseLong(m.group(1));
                    segments.put(seq, Files.size(file));
                    nextSegment = Math.max(nextSegment, seq + 1);
                }
            }
        }
        updateTotals();
        Path cursor = directory.resolve(CURSOR_FILE);
        if (Files.exists(cursor)) {
            try {
                String[] parts = Files.readString(cursor, StandardCharsets.US_ASCII).trim().split(" ");
                long seq = Long.parseLong(parts[0]);
                long position = Long.parseLong(parts[1]);
                Long size = segments.get(seq);
                if (size != null && position >= SEGMENT_HEADER && position <= size) {
                    readSegment = seq;
                    readPosition = position;
                }
            } catch (RuntimeException e) {
                LOG.warn("Ignoring unreadable replay cursor {}: the segment is replayed from its start (harmless)", cursor);
            }
            // Used once: segment numbers may start over once the spool is empty.
            Files.delete(cursor);
        }
        if (!segments.isEmpty()) {
            LOG.info("Spool {} holds {} segments ({} bytes) from an earlier run; they are replayed once the store takes writes",
                    directory, segmentCount, totalBytes);
        }
    }

    /** Why the spool cannot be used, or null when it can. */
    @Nullable String unavailableReason() {
        return unavailable;
    }

    boolean usable() {
        return unavailable == null;
    }

    /** Whether records wait to be replayed. */
    boolean hasPending() {
        return segmentCount > 0;
    }

    long bytes() {
        return totalBytes;
    }

    int segmentCount() {
        return segmentCount;
    }

    /** Whether a record of about {@code bytes} would still fit. */
    boolean hasRoomFor(long bytes) {
        return unavailable == null && totalBytes + bytes + SEGMENT_HEADER <= maxBytes;
    }

    @Nullable String lastError() {
        return lastError;
    }

    /** Why the last append failed, while appends fail (an I/O error, not a full spool); null when they work. */
    @Nullable String appendError() {
        return appendError;
    }

    /** Where the spool ends now; null when it holds nothing. */
    synchronized @Nullable Mark mark() {
        if (segments.isEmpty()) {
            return null;
        }
        Map.Entry<Long, Long> last = segments.lastEntry();
        return new Mark(last.getKey(), last.getValue());
    }

    /** Whether everything appended before {@code mark} has been committed (or there was nothing). */
    synchronized boolean replayedThrough(@Nullable Mark mark) {
        if (mark == null || segments.isEmpty()) {
            return true;
        }
        long first = segments.firstKey();
        if (first != mark.segment()) {
            return first > mark.segment();
        }
        return readSegment == first && readPosition >= mark.position();
    }

    /**
     * Appends activities, all or none.
     *
     * @param described whether they went through {@link Enricher#describe} (their session ids must
     *     already be protected either way)
     * @param force whether to sync to disk before returning
     * @return whether they were appended; false when the spool is full, unusable or closed
     */
    boolean append(List<Activity> activities, boolean described, boolean force) {
        if (unavailable != null || activities.isEmpty()) {
            return unavailable == null;
        }
        List<byte[]> payloads = new ArrayList<>(activities.size());
        int size = 0;
        try {
            for (Activity activity : activities) {
                byte[] payload = SpoolCodec.encode(activity, described);
                payloads.add(payload);
                size += RECORD_HEADER + payload.length;
            }
        } catch (RuntimeException e) {
            // Never reaches a caller of log(): the batch is refused, and so dropped and counted.
            lastError = e.toString();
            RATE_LIMITED.warn("encode", "Cannot encode activities for the spool", e);
            return false;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        CRC32 crc = new CRC32();
        for (byte[] payload : payloads) {
            crc.reset();
            crc.update(payload);
            int start = buffer.position();
            buffer.putInt(RECORD_MARKER).putInt(payload.length).putInt((int) crc.getValue());
            crc.reset();
            crc.update(buffer.array(), start, 12);
            buffer.putInt((int) crc.getValue()).put(payload);
        }
        buffer.flip();
        return write(buffer, force);
    }

    private synchronized boolean write(ByteBuffer records, boolean force) {
        if (closed) {
            return false;
        }
        int size = records.remaining();
        boolean roll = out == null || (segments.getOrDefault(outSegment, 0L) + size > segmentBytes
                && segments.getOrDefault(outSegment, 0L) > SEGMENT_HEADER);
        if (totalBytes + size + (roll ? SEGMENT_HEADER : 0) > maxBytes) {
            return false;
        }
        long start = -1;
        try {
            if (roll) {
                sealActive();
                startSegment();
            }
            FileChannel channel = out;
            start = channel.position();
            while (records.hasRemaining()) {
                channel.write(records);
            }
            if (force) {
                channel.force(false);
            }
            segments.merge(outSegment, (long) size, Long::sum);
            updateTotals();
            appendError = null;
            return true;
        } catch (IOException | RuntimeException e) {
            lastError = e.toString();
            appendError = "cannot append to the spool in " + directory + ": " + e;
            RATE_LIMITED.warn("append", "Cannot append to the spool in " + directory, e);
            abandonActive(start);
            return false;
        }
    }

    private void startSegment() throws IOException {
        long seq = nextSegment++;
        FileChannel channel = FileChannel.open(segmentPath(seq), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.wrap(MAGIC);
            while (header.hasRemaining()) {
                channel.write(header);
            }
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(segmentPath(seq));
            throw e;
        }
        out = channel;
        outSegment = seq;
        segments.put(seq, (long) SEGMENT_HEADER);
        updateTotals();
    }

    /** After a failed write: cut what was half written and start a new segment next time. */
    private void abandonActive(long start) {
        FileChannel channel = out;
        if (channel == null) {
            return;
        }
        try {
            if (start >= 0) {
                channel.truncate(start);
            }
            segments.put(outSegment, channel.size());
        } catch (IOException ignored) {
            // A torn tail is skipped and counted at replay.
        }
        closeQuietly(channel);
        out = null;
        outSegment = -1;
        updateTotals();
    }

    private void sealActive() throws IOException {
        FileChannel channel = out;
        if (channel != null) {
            out = null;
            outSegment = -1;
            try {
                channel.force(false);
            } finally {
                channel.close();
            }
        }
    }

    /**
     * Reads up to {@code maxRecords} records, from where the last commit left off in the oldest
     * segment. Reading again without a commit returns the same records. Returns null when nothing
     * is pending or the spool cannot be read now.
     */
    synchronized @Nullable Chunk read(int maxRecords) {
        while (!closed && unavailable == null) {
            if (readSegment < 0) {
                if (segments.isEmpty()) {
                    return null;
                }
                readSegment = segments.firstKey();
                readPosition = 0;
            }
            if (readSegment == outSegment) {
                try {
                    sealActive(); // appends go to a new segment from now on
                } catch (IOException e) {
                    lastError = e.toString();
                }
            }
            try {
                return readFrom(readSegment, maxRecords);
            } catch (NoSuchFileException e) {
                segments.remove(readSegment);
                updateTotals();
                readSegment = -1;
            } catch (IOException | RuntimeException e) {
                // RuntimeException: a file that cannot be mapped (over 2 GiB, not ours).
                lastError = e.toString();
                RATE_LIMITED.warn("read", "Cannot read the spool in " + directory, e);
                return null;
            }
        }
        return null;
    }

    private Chunk readFrom(long seq, int maxRecords) throws IOException {
        Path file = segmentPath(seq);
        List<SpoolCodec.Decoded> records = new ArrayList<>(Math.min(maxRecords, 1024));
        int skipped = 0;
        long skippedBytes = 0;
        String reason = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            long startPosition = readPosition;
            int position = (int) readPosition;
            if (position == 0) {
                position = SEGMENT_HEADER;
                byte[] header = new byte[SEGMENT_HEADER];
                if (size >= SEGMENT_HEADER) {
                    bytes.get(0, header);
                }
                if (size < SEGMENT_HEADER || !Arrays.equals(header, MAGIC)) {
                    // A crash while the segment was made, or not our file: look for records all the same.
                    damaged.add(seq);
                    reason = "bad segment header";
                    int next = nextValidHeader(bytes, 0);
                    skipped += size > 0 ? 1 : 0;
                    skippedBytes += next;
                    position = next;
                }
            }
            CRC32 crc = new CRC32();
            while (records.size() < maxRecords && position < size) {
                if (!validHeader(bytes, position, crc)) {
                    int next = nextValidHeader(bytes, position + 1);
                    skipped += 1 + markersBetween(bytes, position + 1, next);
                    skippedBytes += next - position;
                    reason = next >= size && size - position < RECORD_HEADER
                            ? "torn record at the end of a segment" : "damaged record header";
                    damaged.add(seq);
                    position = next;
                    continue;
                }
                int length = bytes.getInt(position + 4);
                if (size - position - RECORD_HEADER < length) {
                    skipped++;
                    skippedBytes += size - position;
                    reason = "torn record at the end of a segment";
                    damaged.add(seq);
                    position = (int) size;
                    break;
                }
                byte[] payload = new byte[length];
                bytes.get(position + RECORD_HEADER, payload);
                int checksum = bytes.getInt(position + 8);
                position += RECORD_HEADER + length;
                crc.reset();
                crc.update(payload);
                if ((int) crc.getValue() != checksum) {
                    skipped++;
                    skippedBytes += RECORD_HEADER + length;
                    reason = "checksum mismatch";
                    damaged.add(seq);
                    continue;
                }
                try {
                    records.add(SpoolCodec.decode(payload));
                } catch (IllegalArgumentException e) {
                    skipped++;
                    skippedBytes += RECORD_HEADER + length;
                    reason = "undecodable record: " + e.getMessage();
                    damaged.add(seq);
                }
            }
            return new Chunk(seq, startPosition, position, records, skipped, skippedBytes, reason, position >= size);
        }
    }

    /** Whether a record header that checks out starts at {@code at}. */
    private static boolean validHeader(ByteBuffer bytes, int at, CRC32 crc) {
        if (bytes.limit() - at < RECORD_HEADER || bytes.getInt(at) != RECORD_MARKER) {
            return false;
        }
        int length = bytes.getInt(at + 4);
        if (length < 2 || length > MAX_PAYLOAD) {
            return false;
        }
        crc.reset();
        crc.update(bytes.slice(at, 12));
        return (int) crc.getValue() == bytes.getInt(at + 12);
    }

    /** The first position at or after {@code from} where a valid record header starts, or the end. */
    private static int nextValidHeader(ByteBuffer bytes, int from) {
        CRC32 crc = new CRC32();
        for (int at = from; at <= bytes.limit() - RECORD_HEADER; at++) {
            if (bytes.get(at) == (byte) (RECORD_MARKER >>> 24) && validHeader(bytes, at, crc)) {
                return at;
            }
        }
        return bytes.limit();
    }

    /** Record markers whose header did not check out, in {@code [from, to)}: records lost with the damage. */
    private static int markersBetween(ByteBuffer bytes, int from, int to) {
        int count = 0;
        for (int at = from; at <= to - 4; at++) {
            if (bytes.getInt(at) == RECORD_MARKER) {
                count++;
            }
        }
        return count;
    }

    /** Marks a chunk's records as stored; deletes its segment when it was the last of it. */
    synchronized void commit(Chunk chunk) {
        if (closed || chunk.segment() != readSegment || chunk.startPosition() != readPosition) {
            return; // after close, or a chunk read twice: the next read starts from the right place anyway
        }
        readPosition = chunk.endPosition();
        if (chunk.endOfSegment()) {
            Path file = segmentPath(chunk.segment());
            try {
                if (damaged.remove(chunk.segment())) {
                    Path aside = file.resolveSibling(file.getFileName() + CORRUPT_SUFFIX);
                    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                    LOG.warn("Spool segment {} was damaged; what could be read of it is replayed, and the file is kept "
                            + "as {} for an operator", file, aside);
                } else {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                lastError = e.toString();
                RATE_LIMITED.warn("delete", "Cannot delete replayed spool segment " + file
                        + "; it will be replayed again (harmless: replay is idempotent)", e);
            }
            segments.remove(chunk.segment());
            updateTotals();
            readSegment = -1;
            readPosition = 0;
        }
    }

    private void updateTotals() {
        long total = 0;
        for (Map.Entry<Long, Long> e : segments.entrySet()) {
            total += e.getValue();
        }
        totalBytes = total;
        segmentCount = segments.size();
    }

    Path segmentPath(long seq) {
        return directory.resolve(String.format("spool-%020d.seg", seq));
    }

    Path directory() {
        return directory;
    }

    /** Syncs and closes the open segment and releases the directory lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sealActive();
        } catch (IOException e) {
            LOG.warn("Cannot sync the spool in {} at close", directory, e);
        }
        if (unavailable == null && readSegment >= 0 && readPosition > SEGMENT_HEADER) {
            try {
                Files.writeString(directory.resolve(CURSOR_FILE), readSegment + " " + readPosition + "\n",
                        StandardCharsets.US_ASCII);
            } catch (IOException e) {
                LOG.warn("Cannot save the replay cursor in {}; the segment is replayed from its start (harmless)", directory, e);
            }
        }
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // Released when the channel closes anyway.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(@Nullable FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing left to do.
            }
        }
    }
}
