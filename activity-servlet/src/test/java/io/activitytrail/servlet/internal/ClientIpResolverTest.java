package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientIpResolverTest {
    private static final ClientIpResolver TRUSTING =
            new ClientIpResolver(List.of(Cidr.parse("127.0.0.1"), Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));
    private static final ClientIpResolver NONE = new ClientIpResolver(List.of());

    private static String xff(String peer, String... lines) {
        return TRUSTING.resolve(peer, Arrays.asList(lines), List.of());
    }

    private static String forwarded(String peer, String... lines) {
        return TRUSTING.resolve(peer, List.of(), Arrays.asList(lines));
    }

    @Test
    void shouldUseThePeerWhenNoProxyIsTrusted() {
        assertThat(NONE.resolve("198.51.100.7", List.of("203.0.113.1"), List.of("for=203.0.113.2"))).isEqualTo("198.51.100.7");
    }

    @Test
    void shouldUseThePeerWhenThePeerIsNotTrusted() {
        assertThat(xff("198.51.100.7", "203.0.113.1, 10.0.0.1")).isEqualTo("198.51.100.7");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "evil, 203.0.113.5, 10.0.0.1 | 203.0.113.5",
        "203.0.113.5 | 203.0.113.5",
        "1.1.1.1, 2.2.2.2 | 2.2.2.2",
        "203.0.113.5, 10.0.0.2, 10.0.0.1 | 203.0.113.5",
        "10.0.0.2, 10.0.0.1 | 10.0.0.2",
        "garbage | 127.0.0.1",
        "203.0.113.5, garbage | 127.0.0.1",
        "garbage, 203.0.113.5 | 203.0.113.5",
        "203.0.113.5:4711 | 203.0.113.5",
        "[2001:db8::5]:4711, fd00::1 | 2001:db8::5",
        "2001:DB8::5 | 2001:db8::5",
        "::ffff:203.0.113.5 | 203.0.113.5",
        "' , 203.0.113.5 ,, ' | 203.0.113.5",
        "unknown | 127.0.0.1",
        "203.0.113.5, example.com | 127.0.0.1",
        "'' | 127.0.0.1",
    })
    void shouldWalkForwardedForFromTheRight(String header, String expected) {
        assertThat(xff("127.0.0.1", header)).isEqualTo(expected);
    }

    @Test
    void shouldJoinEveryForwardedForLine() {
        assertThat(xff("127.0.0.1", "198.51.100.1", "203.0.113.5, 10.0.0.3")).isEqualTo("203.0.113.5");
        assertThat(xff("127.0.0.1", "198.51.100.1", "10.0.0.3")).isEqualTo("198.51.100.1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "for=203.0.113.5 | 203.0.113.5",
        "for=198.51.100.1, for=203.0.113.5;proto=https;by=10.0.0.1 | 203.0.113.5",
        "for=\"[2001:db8:cafe::17]:4711\" | 2001:db8:cafe::17",
        "for=\"[2001:db8:cafe::17]\", for=10.0.0.9 | 2001:db8:cafe::17",
        "FOR=203.0.113.5:80 | 203.0.113.5",
        "for=\"203.0.113.5:_obf\" | 203.0.113.5",
        "for=198.51.100.1, for=unknown, for=10.0.0.5 | 10.0.0.5",
        "for=198.51.100.1, for=_hidden | 127.0.0.1",
        "for=\"_hidden\", for=10.0.0.5 | 10.0.0.5",
        "for=10.0.0.7, for=10.0.0.5 | 10.0.0.7",
        "proto=https | 127.0.0.1",
        "for=\"[2001:db8::1\" | 127.0.0.1",
        "for=\"unterminated | 127.0.0.1",
        "for=203.0.113.5;for=203.0.113.6 | 127.0.0.1",
        "for | 127.0.0.1",
        "for=example.com | 127.0.0.1",
        "for=\"203.0.113.5\"x | 127.0.0.1",
        "by=10.0.0.1;for=\"203.0.113.5\" | 203.0.113.5",
        "for=2001:db8::7 | 2001:db8::7",
    })
    void shouldWalkTheForwardedHeaderFromTheRight(String header, String expected) {
        assertThat(forwarded("127.0.0.1", header)).isEqualTo(expected);
    }

    @Test
    void shouldPreferTheForwardedHeaderWhenBothArePassed() {
        assertThat(TRUSTING.resolve("10.0.0.1", List.of("198.51.100.1"), List.of("for=203.0.113.5"))).isEqualTo("203.0.113.5");
    }

    @Test
    void shouldGiveNullWhenThePeerIsNoAddress() {
        assertThat(TRUSTING.resolve("not-an-ip", List.of("203.0.113.5"), List.of())).isNull();
        assertThat(TRUSTING.resolve(null, List.of(), List.of())).isNull();
    }

    @Test
    void shouldNormaliseThePeer() {
        assertThat(NONE.resolve("0:0:0:0:0:0:0:1", List.of(), List.of())).isEqualTo("::1");
        assertThat(NONE.resolve("[::ffff:127.0.0.1]", List.of(), List.of())).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldFallBackToThePeerForAHugeHeader() {
        assertThat(xff("127.0.0.1", "1.1.1.1, ".repeat(5000) + "203.0.113.5")).isEqualTo("127.0.0.1");
    }

    @Property(tries = 2000)
    void shouldNeverLetAClientChooseItsAddressThroughAnUntrustedPeer(@ForAll("anyHeader") String header,
            @ForAll("publicIpv4") String peer) {
        assertThat(TRUSTING.resolve(peer, List.of(header), List.of(header))).isEqualTo(peer);
    }

    @Property(tries = 2000)
    void shouldIgnoreEverythingLeftOfTheFirstUntrustedHop(@ForAll("anyHeader") String clientWritten,
            @ForAll("publicIpv4") String client) {
        String header = clientWritten + ", " + client + ", 10.0.0.1";

        assertThat(xff("127.0.0.1", header)).isEqualTo(client);
    }

    @Property(tries = 2000)
    void shouldAlwaysGiveAnAddressTheCoreAccepts(@ForAll("anyHeader") String header) {
        String ip = xff("127.0.0.1", header);

        assertThat(ip).isNotNull();
        assertThat(IpAddresses.normalise(ip)).isEqualTo(ip);
    }

    @Provide
    Arbitrary<String> publicIpv4() {
        return Arbitraries.integers().between(11, 99).list().ofSize(4).map(parts ->
                parts.stream().map(String::valueOf).reduce((a, b) -> a + "." + b).orElseThrow());
    }

    @Provide
    Arbitrary<String> anyHeader() {
        Arbitrary<String> token = Arbitraries.oneOf(publicIpv4(), Arbitraries.of("10.0.0.1", "unknown", "_x", "[::1]:80",
                "fd00::1", "for=1.2.3.4", "\"", ";", "=", "[", "garbage", ""), Arbitraries.strings().ofMaxLength(12));
        return token.list().ofMaxSize(8).map(l -> String.join(", ", l));
    }
}
