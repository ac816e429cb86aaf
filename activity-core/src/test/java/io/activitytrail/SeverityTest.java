package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeverityTest {

    @Test
    void shouldHaveLowerCaseValuesInOrderOfGravity() {
        assertThat(Severity.values()).extracting(Severity::value).containsExactly("info", "warning", "error", "critical");
    }

    @Test
    void shouldParseItsValuesIgnoringCase() {
        for (Severity severity : Severity.values()) {
            assertThat(Severity.fromValue(severity.value())).isEqualTo(severity);
            assertThat(Severity.fromValue(severity.name())).isEqualTo(severity);
        }
        assertThat(Severity.fromValue("Warning")).isEqualTo(Severity.WARNING);
        assertThat(Severity.fromValue("cRiTiCaL")).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void shouldRejectOtherValuesNamingThem() {
        assertThatThrownBy(() -> Severity.fromValue("fatal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("severity must be one of info, warning, error, critical, but was \"fatal\"");
        assertThatThrownBy(() -> Severity.fromValue("")).hasMessage("severity must be one of info, warning, error, critical, but was \"\"");
        assertThatThrownBy(() -> Severity.fromValue(" info")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Severity.fromValue(null)).hasMessage("severity must be one of info, warning, error, critical, but was null");
    }

    @Test
    void shouldNotLetARejectedValueForgeALogLine() {
        assertThatThrownBy(() -> Severity.fromValue("x\r\nERROR forged"))
                .hasMessage("severity must be one of info, warning, error, critical, but was \"x  ERROR forged\"");
    }
}
