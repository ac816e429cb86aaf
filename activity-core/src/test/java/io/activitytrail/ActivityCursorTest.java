package io.activitytrail;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivityCursorTest {
    private static final UUID ID = UUID.fromString("0195940c-3b2d-7abc-9def-0123456789ab");

    @Property
    void shouldDecodeWhatItEncodes(@ForAll @LongRange(min = -62_135_596_800_000_000L, max = 253_402_300_799_999_999L) long micros,
            @ForAll long msb, @ForAll long lsb) {
        ActivityCursor cursor = new ActivityCursor(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
                new UUID(msb, lsb));

        assertThat(ActivityCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void shouldRoundTripTheCursorAfterAnActivity() {
        Activity activity = Activity.builder("u", "a").createdAt(Instant.parse("2025-03-14T09:26:53.123456Z")).build();

        ActivityCursor cursor = ActivityCursor.decode(ActivityCursor.after(activity).encode());

        assertThat(cursor.createdAt()).isEqualTo(activity.createdAt());
        assertThat(cursor.id()).isEqualTo(activity.id());
    }

    @Test
    void shouldRoundTripInstantsBeforeTheEpoch() {
        ActivityCursor cursor = new ActivityCursor(Instant.parse("1969-12-31T23:59:59.000001Z"), ID);

        assertThat(ActivityCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void shouldEncodeAnOpaqueUrlSafeString() {
        String encoded = new ActivityCursor(Instant.parse("2025-03-14T09:26:53.123456Z"), ID).encode();

        assertThat(encoded).matches("[A-Za-z0-9_-]+").doesNotContain(ID.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "!!!", "not a cursor", "djE6MTIzOjAxOTU5NDBjLTNiMmQ", "%%%%", "====", "a"})
    void shouldRejectGarbage(String garbage) {
        assertThatThrownBy(() -> ActivityCursor.decode(garbage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cursor is not valid: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2:1741944413123456:0195940c-3b2d-7abc-9def-0123456789ab",
            "v1:abc:0195940c-3b2d-7abc-9def-0123456789ab", "v1:1741944413123456:not-a-uuid",
            "v1:1741944413123456", "v1:1741944413123456:0195940c-3b2d-7abc-9def-0123456789ab:extra",
            "v1:99999999999999999999:0195940c-3b2d-7abc-9def-0123456789ab", "v1::0195940c-3b2d-7abc-9def-0123456789ab",
            ":1741944413123456:0195940c-3b2d-7abc-9def-0123456789ab"})
    void shouldRejectWellEncodedStringsOfTheWrongShape(String plain) {
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(US_ASCII));

        assertThatThrownBy(() -> ActivityCursor.decode(encoded)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor is not valid: \"" + (encoded.length() > 40 ? encoded.substring(0, 40) + "..." : encoded) + "\"");
    }

    @Test
    void shouldQuoteGarbageSafelyInTheMessage() {
        assertThatThrownBy(() -> ActivityCursor.decode("bad\r\ncursor")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor is not valid: \"bad  cursor\"");
    }

    @Test
    void shouldRejectNulls() {
        assertThatThrownBy(() -> new ActivityCursor(null, ID)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ActivityCursor(Instant.EPOCH, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ActivityCursor.decode(null)).isInstanceOf(NullPointerException.class);
    }
}
