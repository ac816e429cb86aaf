package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void shouldReplaceControlBidiAndSeparatorCharactersAndLoneSurrogates() {
        assertThat(Texts.clean("a\r\nb\u0000c\u001bd\u0085e\u2028f\u202eg\u2066h\ud800i\u007f", 100))
                .isEqualTo("a  b c d e f g h\ufffdi ");
    }

    @Test
    void shouldKeepOrdinaryTextAndPairsAndTheSameInstance() {
        String s = "/ünï/😀?x=1";
        assertThat(Texts.clean(s, 100)).isSameAs(s);
    }

    @Test
    void shouldCutWithoutSplittingASurrogatePair() {
        assertThat(Texts.clean("ab😀", 3)).isEqualTo("ab");
        assertThat(Texts.clean("abcdef", 3)).isEqualTo("abc");
        assertThat(Texts.clean(null, 3)).isNull();
    }
}
