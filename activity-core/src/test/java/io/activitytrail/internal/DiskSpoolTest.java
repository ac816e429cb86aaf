package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {
    @TempDir
    Path dir;

    private static List<Activity> activities(int count) {
        List<Activity> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(Activity.builder("user-" + i, "spooled").description("activity " + i).build());
        }
        return list;
    }

    private static List<Activity> readAll(DiskSpool spool, int chunkSize) {
        List<Activity> out = new ArrayList<>();
        DiskSpool.Chunk chunk;
        while ((chunk = spool.read(chunkSize)) != null) {
            chunk.records().forEach(r -> out.add(r.activity()));
            spool.commit(chunk);
        }
        return out;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void shouldReadBackWhatWasAppendedInOrder() {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            List<Activity> first = activities(7);
            List<Activity> second = activities(5);
            assertThat(spool.append(first, true, true)).isTrue();
            assertThat(spool.append(second, false, false)).isTrue();

            List<Activity> read = readAll(spool, 3);

            List<Activity> expected = new ArrayList<>(first);
            expected.addAll(second);
            assertThat(read).extracting(Activity::id).containsExactlyElementsOf(expected.stream().map(Activity::id).toList());
            assertThat(spool.hasPending()).isFalse();
            assertThat(spool.bytes()).isZero();
        }
    }

    @Test
    void shouldKeepTheDescribedFlag() {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(activities(1), true, false);
            spool.append(activities(1), false, false);

            DiskSpool.Chunk chunk = spool.read(10);

            assertThat(chunk.records()).extracting(SpoolCodec.Decoded::described).containsExactly(true, false);
        }
    }

    @Test
    void shouldReturnTheSameRecordsUntilCommitted() {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(activities(4), true, false);

            DiskSpool.Chunk once = spool.read(2);
            DiskSpool.Chunk again = spool.read(2);

            assertThat(again.records()).isEqualTo(once.records());
            spool.commit(once);
            assertThat(spool.read(2).records()).doesNotContainAnyElementsOf(once.records());
        }
    }

    @Test
    void shouldDeleteASegmentOnlyOnceAllOfItIsCommitted() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(activities(4), true, true);
            DiskSpool.Chunk first = spool.read(2);
            spool.commit(first);
            assertThat(segments()).hasSize(1);

            DiskSpool.Chunk rest = spool.read(10);
            assertThat(segments()).hasSize(1);
            spool.commit(rest);

            assertThat(segments()).isEmpty();
        }
    }

    @Test
    void shouldSendNewAppendsToANewSegmentOnceReplayStarted() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(activities(2), true, true);
            DiskSpool.Chunk chunk = spool.read(10);
            spool.append(activities(3), true, true);
            spool.commit(chunk);

            assertThat(segments()).hasSize(1);
            assertThat(readAll(spool, 10)).hasSize(3);
        }
    }

    @Test
    void shouldRefuseWhatDoesNotFit() {
        try (DiskSpool spool = DiskSpool.open(dir, 64 * 1024)) {
            int appended = 0;
            while (spool.append(activities(10), true, false)) {
                appended += 10;
            }

            assertThat(appended).isPositive();
            assertThat(spool.bytes()).isLessThanOrEqualTo(64 * 1024);
            assertThat(readAll(spool, 100)).hasSize(appended);
            assertThat(spool.append(activities(10), true, false)).isTrue();
        }
    }

    @Test
    void shouldReplaySegmentsOfAnEarlierRunInOrder() {
        List<Activity> all = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
                List<Activity> batch = activities(5);
                spool.append(batch, true, true);
                all.addAll(batch);
            }
        }

        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            assertThat(spool.segmentCount()).isEqualTo(3);
            assertThat(readAll(spool, 4)).extracting(Activity::id).containsExactlyElementsOf(all.stream().map(Activity::id).toList());
        }
    }

    @Test
    void shouldSkipAndCountATornTail() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(activities(5), true, true);
        }
        Path segment = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(file.length() - 10);
        }

        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            DiskSpool.Chunk chunk = spool.read(100);

            assertThat(chunk.records()).hasSize(4);
            assertThat(chunk.skipped()).isEqualTo(1);
            assertThat(chunk.skipReason()).contains("torn");
            assertThat(chunk.endOfSegment()).isTrue();
        }
    }

    @Test
    void shouldSkipOnlyTheRecordWithABadChecksum() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(activities(3), true, true);
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        int firstPayload = DiskSpool.SEGMENT_HEADER + DiskSpool.RECORD_HEADER;
        bytes[firstPayload + 20] ^= 0x55; // flip bits inside the first record's JSON (ASCII stays ASCII)
        Files.write(segment, bytes);

        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            DiskSpool.Chunk chunk = spool.read(100);

            assertThat(chunk.records()).hasSize(2);
            assertThat(chunk.skipped()).isEqualTo(1);
            assertThat(chunk.skipReason()).isEqualTo("checksum mismatch");
        }
    }

    @Test
    void shouldMoveAsideASegmentWithABadHeaderInsteadOfDeletingIt() throws IOException {
        Files.write(dir.resolve("spool-00000000000000000007.seg"), "garbage garbage garbage".getBytes());
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            DiskSpool.Chunk chunk = spool.read(100);
            assertThat(chunk.records()).isEmpty();
            assertThat(chunk.skipped()).isEqualTo(1);
            assertThat(chunk.skippedBytes()).isEqualTo(23);
            spool.commit(chunk);

            assertThat(spool.hasPending()).isFalse();
            assertThat(dir.resolve("spool-00000000000000000007.seg.corrupt")).hasContent("garbage garbage garbage");
            assertThat(spool.append(activities(1), true, false)).isTrue();
            assertThat(segments()).extracting(p -> p.getFileName().toString()).containsExactly("spool-00000000000000000008.seg");
        }
    }

    @Test
    void shouldReadTheRecordsOfASegmentWhoseHeaderIsDamaged() throws IOException {
        List<Activity> written = activities(10);
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(written, true, true);
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[3] ^= 0x01; // ATSPOOL2 -> ATS?OOL2
        Files.write(segment, bytes);

        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            DiskSpool.Chunk chunk = spool.read(100);

            assertThat(chunk.records()).extracting(r -> r.activity().id())
                    .containsExactlyElementsOf(written.stream().map(Activity::id).toList());
            assertThat(chunk.skipReason()).isEqualTo("bad segment header");
            assertThat(chunk.skippedBytes()).isEqualTo(DiskSpool.SEGMENT_HEADER);
            spool.commit(chunk);
            assertThat(Files.exists(segment.resolveSibling(segment.getFileName() + ".corrupt"))).isTrue();
        }
    }

    /** Regression: one bad length byte used to discard the rest of its segment (999 of 2,000 records) and count "1 skipped". */
    @Test
    void shouldKeepEveryOtherRecordWhenOneRecordLengthIsCorrupt() throws IOException {
        List<Activity> written = activities(2_000);
        try (DiskSpool spool = DiskSpool.open(dir, 64L << 20)) {
            spool.append(written, true, true);
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        List<Integer> starts = recordStarts(bytes);
        int damaged = 1_000;
        bytes[starts.get(damaged) + 5] ^= 0x40; // the length field of record 1,000
        Files.write(segment, bytes);

        try (DiskSpool spool = DiskSpool.open(dir, 64L << 20)) {
            List<Activity> read = new ArrayList<>();
            int skipped = 0;
            long skippedBytes = 0;
            DiskSpool.Chunk chunk;
            while ((chunk = spool.read(300)) != null) {
                chunk.records().forEach(r -> read.add(r.activity()));
                skipped += chunk.skipped();
                skippedBytes += chunk.skippedBytes();
                spool.commit(chunk);
            }

            List<Activity> expected = new ArrayList<>(written);
            expected.remove(damaged);
            System.out.printf("DiskSpoolTest: one corrupted length in a segment of %d records: %d read back, "
                    + "%d skipped (%d bytes)%n", written.size(), read.size(), skipped, skippedBytes);
            assertThat(read).extracting(Activity::id).containsExactlyElementsOf(expected.stream().map(Activity::id).toList());
            assertThat(skipped).isEqualTo(1);
            assertThat(skippedBytes).isEqualTo(starts.get(damaged + 1) - starts.get(damaged));
            assertThat(Files.exists(segment.resolveSibling(segment.getFileName() + ".corrupt"))).isTrue();
        }
    }

    @Test
    void shouldCountEveryRecordOfADamagedStretch() throws IOException {
        List<Activity> written = activities(50);
        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            spool.append(written, true, true);
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        List<Integer> starts = recordStarts(bytes);
        for (int i = 10; i < 13; i++) {
            bytes[starts.get(i) + 13] ^= 0x01; // the header checksums of records 10, 11 and 12
        }
        Files.write(segment, bytes);

        try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
            DiskSpool.Chunk chunk = spool.read(100);

            assertThat(chunk.records()).hasSize(47);
            assertThat(chunk.skipped()).isEqualTo(3);
            assertThat(chunk.skippedBytes()).isEqualTo(starts.get(13) - starts.get(10));
            assertThat(chunk.skipReason()).isEqualTo("damaged record header");
        }
    }

    /** Where each record starts, walking the (intact) lengths. */
    private static List<Integer> recordStarts(byte[] bytes) {
        List<Integer> starts = new ArrayList<>();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        int at = DiskSpool.SEGMENT_HEADER;
        while (at < bytes.length) {
            starts.add(at);
            at += DiskSpool.RECORD_HEADER + buffer.getInt(at + 4);
        }
        starts.add(at);
        return starts;
    }

    @Test
    void shouldRefuseADirectoryThatIsInUse() {
        try (DiskSpool owner = DiskSpool.open(dir, 1 << 20); DiskSpool other = DiskSpool.open(dir, 1 << 20)) {
            assertThat(owner.usable()).isTrue();
            assertThat(other.usable()).isFalse();
            assertThat(other.unavailableReason()).contains("used by another ActivityTrail");
            assertThat(other.append(activities(1), true, false)).isFalse();
        }
        try (DiskSpool again = DiskSpool.open(dir, 1 << 20)) {
            assertThat(again.usable()).isTrue();
        }
    }

    @Test
    void shouldRefuseAppendsAfterClose() {
        DiskSpool spool = DiskSpool.open(dir, 1 << 20);
        spool.close();

        assertThat(spool.append(activities(1), true, false)).isFalse();
        assertThat(spool.read(10)).isNull();
    }
}
