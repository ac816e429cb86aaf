package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpMaskTest {
    private final IpMask defaults = new IpMask(24, 48);

    @ParameterizedTest(name = "{0} /{1} -> {2}")
    @CsvSource({
        "203.0.113.77, 24, 203.0.113.0",
        "203.0.113.77, 32, 203.0.113.77",
        "203.0.113.77, 0, 0.0.0.0",
        "203.0.113.77, 16, 203.0.0.0",
        "203.0.113.255, 25, 203.0.113.128",
        "203.0.113.127, 25, 203.0.113.0",
        "203.0.113.255, 23, 203.0.112.0",
        "255.255.255.255, 1, 128.0.0.0",
        "010.000.001.002, 32, 10.0.1.2",
    })
    void shouldKeepTheIpv4Prefix(String ip, int prefix, String expected) {
        assertThat(new IpMask(prefix, 128).mask(ip)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} /{1} -> {2}")
    @CsvSource({
        "2001:db8:1:2::5, 48, 2001:db8:1::",
        "2001:0DB8:0001:0002:0003:0004:0005:0006, 48, 2001:db8:1::",
        "2001:db8:1:2::5, 64, 2001:db8:1:2::",
        "2001:db8:1:2::5, 0, ::",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, 47, 2001:db8:fffe::",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, 49, 2001:db8:ffff:8000::",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, 65, 2001:db8:ffff:ffff:8000::",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, 127, 2001:db8:ffff:ffff:ffff:ffff:ffff:fffe",
        "fe80::1, 48, fe80::",
        "::1, 48, ::",
    })
    void shouldKeepTheIpv6Prefix(String ip, int prefix, String expected) {
        assertThat(new IpMask(32, prefix).mask(ip)).isEqualTo(expected);
    }

    @Test
    void shouldStoreIpv4MappedIpv6AsIpv4() {
        assertThat(defaults.mask("::ffff:203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(defaults.mask("::FFFF:cb00:714d")).isEqualTo("203.0.113.0");
        assertThat(IpMask.NONE.mask("::ffff:203.0.113.77")).isEqualTo("203.0.113.77");
        assertThat(IpMask.NONE.mask("::ffff:203.0.113.77")).isEqualTo(IpMask.NONE.mask("203.0.113.77"));
    }

    @Test
    void shouldKeepTheAddressWholeWithoutMasking() {
        String v6 = "2001:db8:1:2::5";
        assertThat(IpMask.NONE.mask(v6)).isSameAs(v6);
        String v4 = "203.0.113.77";
        assertThat(IpMask.NONE.mask(v4)).isSameAs(v4);
    }

    @Test
    void shouldReturnAMaskedAddressAsTheSameInstance() {
        String masked = "203.0.113.0";
        String masked6 = "2001:db8:1::";

        assertThat(defaults.mask(masked)).isSameAs(masked);
        assertThat(defaults.mask(masked6)).isSameAs(masked6);
    }

    @Test
    void shouldWriteTheLongestZeroRunAsDoubleColon() {
        assertThat(IpMask.formatIpv6(0x20010db800000000L, 0x0000000100000000L)).isEqualTo("2001:db8::1:0:0");
        assertThat(IpMask.formatIpv6(0x20010db800010000L, 0x0001000000000001L)).isEqualTo("2001:db8:1:0:1::1");
    }

    @Test
    void shouldRefuseWhatIsNoIpLiteral() {
        for (String bad : new String[] {"example.com", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1::2::3", ":::", "12345::",
                "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3", "", "１.2.3.4", "fe80::1%eth0"}) {
            assertThat(defaults.mask(bad)).as(bad).isNull();
            assertThat(IpMask.toBytes(bad)).as(bad).isNull();
        }
    }

    @Test
    void shouldGiveTheBytesOfAnAddress() {
        assertThat(IpMask.toBytes("203.0.113.77")).containsExactly(203, 0, 113, 77);
        assertThat(IpMask.toBytes("::ffff:203.0.113.77")).containsExactly(203, 0, 113, 77);
        assertThat(IpMask.toBytes("2001:db8::1")).hasSize(16).startsWith(0x20, 0x01, 0x0d, 0xb8).endsWith(0, 1);
    }

    @Test
    void shouldNameABadPrefix() {
        assertThatThrownBy(() -> new IpMask(33, 48)).hasMessage("ipv4Prefix must be between 0 and 32, but was 33");
        assertThatThrownBy(() -> new IpMask(24, -1)).hasMessage("ipv6Prefix must be between 0 and 128, but was -1");
    }
}
