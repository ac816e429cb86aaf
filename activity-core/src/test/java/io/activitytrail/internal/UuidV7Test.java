package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class UuidV7Test {

    @Property
    void shouldHaveVersion7AndTheRfcVariant(@ForAll @LongRange(min = 0, max = 253_402_300_799_999L) long millis,
            @ForAll @LongRange(min = 0, max = 999_999) long microsOfMilli) {
        UUID id = UuidV7.at(Instant.ofEpochMilli(millis).plusNanos(microsOfMilli % 1_000 * 1_000));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Property
    void shouldHoldTheMillisecondsOfItsInstant(@ForAll @LongRange(min = 0, max = 253_402_300_799_999L) long millis,
            @ForAll @LongRange(min = 0, max = 999) long micros) {
        Instant at = Instant.ofEpochMilli(millis).plusNanos(micros * 1_000);

        assertThat(UuidV7.millis(UuidV7.at(at))).isEqualTo(millis);
    }

    @Property
    void shouldSortByTimeAcrossMilliseconds(@ForAll @LongRange(min = 0, max = 253_402_300_799_998L) long millis,
            @ForAll @LongRange(min = 1, max = 1_000_000) long laterByMillis) {
        Instant earlier = Instant.ofEpochMilli(millis).plusNanos(999_999);
        Instant later = Instant.ofEpochMilli(Math.min(millis + laterByMillis, 253_402_300_799_999L));

        assertThat(unsignedCompare(UuidV7.at(earlier), UuidV7.at(later))).isNegative();
    }

    @Example
    void shouldSortByTimeWithinAMillisecondToTheMicrosecond() {
        Instant base = Instant.parse("2025-03-14T09:26:53.589Z");
        List<UUID> ids = new ArrayList<>();
        for (int micros = 0; micros < 1_000; micros++) {
            ids.add(UuidV7.at(base.plusNanos(micros * 1_000L)));
        }

        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i).getMostSignificantBits()).as("id %d", i).isGreaterThan(ids.get(i - 1).getMostSignificantBits());
        }
    }

    @Example
    void shouldPutTheTimestampInTheFirst48Bits() {
        UUID id = UuidV7.at(Instant.parse("2025-03-14T09:26:53.589Z"));

        assertThat(id.toString()).startsWith(String.format("%08x-%04x-7", 1_741_944_413_589L >>> 16, 1_741_944_413_589L & 0xFFFF));
    }

    @Example
    void shouldBeUniqueOverAMillionIdsOfTheSameInstant() {
        Instant at = Instant.parse("2025-03-14T09:26:53.589793Z");
        Set<UUID> ids = new HashSet<>(2_000_000);

        for (int i = 0; i < 1_000_000; i++) {
            ids.add(UuidV7.at(at));
        }

        assertThat(ids).hasSize(1_000_000);
    }

    private static int unsignedCompare(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
