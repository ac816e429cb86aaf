package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void shouldReturnTheSameInstanceWhenNothingNeedsNeutralising() {
        String clean = "Paid invoice 17 \u20ac \uD83D\uDE00";

        assertThat(Text.neutralise(clean)).isSameAs(clean);
        assertThat(Text.neutralise(null)).isNull();
    }

    @Test
    void shouldNeutraliseEveryC0AndC1ControlCharacter() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(Text.neutralise("a" + c + "b")).as("U+%04X", (int) c).isEqualTo("a b");
        }
        for (char c = 0x7F; c <= 0x9F; c++) {
            assertThat(Text.neutralise("a" + c + "b")).as("U+%04X", (int) c).isEqualTo("a b");
        }
    }

    @Test
    void shouldNeutraliseLineSeparatorsAndBidiControls() {
        for (char c : "\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069".toCharArray()) {
            assertThat(Text.neutralise("a" + c + "b")).as("U+%04X", (int) c).isEqualTo("a b");
            assertThat(Text.hasControlCharacter("a" + c)).isTrue();
        }
        assertThat(Text.hasControlCharacter("plain \u00e9")).isFalse();
    }

    @Test
    void shouldTruncateWithoutSplittingASurrogatePair() {
        assertThat(Text.truncate("abcdef", 3)).isEqualTo("abc");
        assertThat(Text.truncate("ab\uD83D\uDE00", 3)).isEqualTo("ab");
        assertThat(Text.truncate("ab\uD83D\uDE00", 4)).isEqualTo("ab\uD83D\uDE00");
        assertThat(Text.truncate("abc", 3)).isEqualTo("abc");
        assertThat(Text.truncate(null, 3)).isNull();
    }

    @Test
    void shouldQuoteValuesForMessagesShortAndSafe() {
        assertThat(Text.quoteForMessage(null)).isEqualTo("null");
        assertThat(Text.quoteForMessage("x")).isEqualTo("\"x\"");
        assertThat(Text.quoteForMessage("a\r\nb")).isEqualTo("\"a  b\"");
        assertThat(Text.quoteForMessage("y".repeat(41))).isEqualTo("\"" + "y".repeat(40) + "...\"");
        assertThat(Text.quoteForMessage("y".repeat(40))).isEqualTo("\"" + "y".repeat(40) + "\"");
    }

    @Test
    void shouldAcceptOnlyAsciiDigitsInIpAddresses() {
        assertThat(Text.isIpLiteral("fe80::1")).isTrue();
        assertThat(Text.isIpLiteral("FE80::ABCD")).isTrue();
        // Character.digit would take these: Arabic-Indic one, full-width A and one, Devanagari one.
        assertThat(Text.isIpLiteral("fe80::\u0661")).isFalse();
        assertThat(Text.isIpLiteral("\uFF21::1")).isFalse();
        assertThat(Text.isIpLiteral("::\uFF11")).isFalse();
        assertThat(Text.isIpLiteral("\u0967.2.3.4")).isFalse();
    }
}
