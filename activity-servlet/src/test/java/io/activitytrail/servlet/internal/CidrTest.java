package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "10.1.2.3/8, 10.9.9.9, true",
        "192.168.1.0/24, 192.168.1.255, true",
        "192.168.1.0/24, 192.168.2.0, false",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.1, 127.0.0.2, false",
        "0.0.0.0/0, 8.8.8.8, true",
        "0.0.0.0/0, ::1, false",
        "fd00::/8, fd12:3456::1, true",
        "fd00::/8, fe80::1, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/33, 2001:db8:8000::1, false",
        "::1, ::1, true",
        "::ffff:10.0.0.0/104, 10.2.3.4, true",
        "10.0.0.0/8, ::ffff:10.2.3.4, true",
    })
    void shouldTellWhetherAnAddressIsInTheNetwork(String network, String address, boolean expected) {
        Cidr cidr = Cidr.parse(network);

        assertThat(cidr).isNotNull();
        assertThat(cidr.contains(IpAddresses.parse(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0/8x", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "::/129", "10.0.0.0/8/8",
        "example.com/8", "10.0.0.1:80", "[::1]", "10.0.0.0/ 8"})
    void shouldRefuseWhatIsNotANetwork(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }
}
