package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, 192.0.2.1",
        "' 192.0.2.1 ', 192.0.2.1",
        "192.0.2.1:8080, 192.0.2.1",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "2001:DB8::1, 2001:db8::1",
        "[2001:db8::1], 2001:db8::1",
        "[2001:db8::1]:443, 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:1:1:1:1:0:1, 2001:db8:1:1:1:1:0:1",
        "::1, ::1",
        "0:0:0:0:0:0:0:1, ::1",
        "::, ::",
        "fe80::1%eth0, fe80::1",
        "[fe80::1%25eth0]:80, fe80::1",
        "::ffff:192.0.2.1, 192.0.2.1",
        "::FFFF:c000:0201, 192.0.2.1",
        "64:ff9b::192.0.2.1, 64:ff9b::c000:201",
    })
    void shouldNormaliseAddressLiterals(String input, String expected) {
        assertThat(IpAddresses.normalise(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", "example.com", "unknown", "_hidden", "1.2.3", "1.2.3.4.5", "256.1.1.1",
        "01.2.3.4", "1.2.3.-4", "1.2.3.4:", "1.2.3.4:99999", "1.2.3.4:http", "[1.2.3.4]", "::1::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "[::1", "[::1]x", "g::1", "12345::1", "１.２.３.４",
        "1.2.3.4\u0000", "::ffff:999.1.1.1", "2001:db8::1/64", "0x7f.0.0.1", "1:2:3:4:5:6:7::8:9"})
    void shouldRefuseWhatIsNotAnAddressLiteral(String input) {
        assertThat(IpAddresses.parse(input)).isNull();
    }

    @Property(tries = 2000)
    void shouldFormatIpv6AsTheJdkParsesIt(@ForAll @Size(16) byte[] address) throws Exception {
        address[0] = (byte) (address[0] | 0x20); // not IPv4-mapped
        String text = IpAddresses.format(address);

        // getByAddress never resolves: it wraps the bytes.
        assertThat(InetAddress.getByName(text).getAddress()).isEqualTo(address);
        assertThat(IpAddresses.parse(text)).isEqualTo(address);
        assertThat(text).isEqualTo(text.toLowerCase()).doesNotContain(":::");
        assertThat(InetAddress.getByAddress(address).getHostAddress().replaceAll("(^|:)0+(?=[0-9a-f])", "$1"))
                .satisfies(full -> assertThat(IpAddresses.normalise(full)).isEqualTo(text));
    }

    @Property(tries = 1000)
    void shouldRoundTripIpv4(@ForAll @Size(4) byte[] address) {
        String text = IpAddresses.format(address);

        assertThat(IpAddresses.parse(text)).isEqualTo(address);
        assertThat(IpAddresses.parse("[::ffff:" + text + "]:1")).isEqualTo(address);
    }
}
