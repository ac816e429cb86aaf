package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.PrivacyPolicy.IpMasking;
import io.activitytrail.PrivacyPolicy.LocationPrecision;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivacyPolicyTest {

    @Test
    void shouldMaskToSlash24AndSlash48ByDefault() {
        PrivacyPolicy p = PrivacyPolicy.defaults();

        assertThat(p.ipMasking()).isEqualTo(IpMasking.PREFIX);
        assertThat(p.maskIp("203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(p.maskIp("2001:db8:1:2::5")).isEqualTo("2001:db8:1::");
        assertThat(p.maskIp("::ffff:203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(p.secretKeys()).containsExactlyElementsOf(PrivacyPolicy.DEFAULT_SECRET_KEYS);
        assertThat(p.redactSecretValues()).isTrue();
        assertThat(p.locationPrecision()).isEqualTo(LocationPrecision.CITY);
    }

    @Test
    void shouldKeepOrDropTheWholeAddress() {
        PrivacyPolicy none = PrivacyPolicy.builder().ipMasking(IpMasking.NONE).build();
        PrivacyPolicy full = PrivacyPolicy.builder().ipMasking(IpMasking.FULL).build();

        assertThat(none.maskIp("203.0.113.77")).isEqualTo("203.0.113.77");
        assertThat(none.maskIp("::ffff:203.0.113.77")).isEqualTo("203.0.113.77");
        assertThat(full.maskIp("203.0.113.77")).isNull();
    }

    @Test
    void shouldUseTheConfiguredPrefixes() {
        PrivacyPolicy p = PrivacyPolicy.builder().ipv4Prefix(16).ipv6Prefix(32).build();

        assertThat(p.maskIp("203.0.113.77")).isEqualTo("203.0.0.0");
        assertThat(p.maskIp("2001:db8:1:2::5")).isEqualTo("2001:db8::");
    }

    @Test
    void shouldNameBadValues() {
        assertThatThrownBy(() -> PrivacyPolicy.builder().ipv4Prefix(33))
                .hasMessage("ipv4Prefix must be between 0 and 32, but was 33");
        assertThatThrownBy(() -> PrivacyPolicy.builder().ipv6Prefix(129))
                .hasMessage("ipv6Prefix must be between 0 and 128, but was 129");
        assertThatThrownBy(() -> PrivacyPolicy.builder().secretKeys(List.of("token", "--")))
                .hasMessage("a secret key must hold an ASCII letter or digit, but was \"--\"");
        assertThatThrownBy(() -> PrivacyPolicy.builder().addSecretKeys("x".repeat(65)))
                .hasMessageStartingWith("a secret key must be at most 64 characters, but was \"xxx");
        assertThatThrownBy(() -> PrivacyPolicy.builder().ipMasking(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("ipMasking");
        assertThatThrownBy(() -> PrivacyPolicy.defaults().maskIp("example.com"))
                .hasMessage("ipAddress must be an IPv4 or IPv6 address, but was \"example.com\"");
    }

    @Test
    void shouldAddSecretKeysToTheDefaultsInLowerCase() {
        PrivacyPolicy p = PrivacyPolicy.builder().addSecretKeys("IBAN", "token").build();

        assertThat(p.secretKeys()).startsWith("password").endsWith("iban").hasSize(PrivacyPolicy.DEFAULT_SECRET_KEYS.size() + 1);
    }

    @Test
    void shouldCopyItselfThroughItsBuilder() {
        PrivacyPolicy p = PrivacyPolicy.builder().ipMasking(IpMasking.NONE).secretKeys(List.of("pin"))
                .redactSecretValues(false).locationPrecision(LocationPrecision.REGION).build();

        assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(p).isNotEqualTo(PrivacyPolicy.defaults());
    }
}
