package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnonymousKeyTest {
    /** Regression: every address of one client's IPv6 /64 got a rate-limit bucket of its own. */
    @Test
    void shouldKeyIpv6ByItsSlash64AndIpv4ByTheAddress() {
        assertThat(JsonApi.anonymousKey("2001:db8:1:2:aaaa::1")).isEqualTo(JsonApi.anonymousKey("2001:db8:1:2:ffff:1:2:3"))
                .isEqualTo("ip:2001:db8:1:2::/64");
        assertThat(JsonApi.anonymousKey("2001:db8:1:3::1")).isNotEqualTo(JsonApi.anonymousKey("2001:db8:1:2::1"));
        assertThat(JsonApi.anonymousKey("203.0.113.7")).isEqualTo("ip:203.0.113.7").isNotEqualTo(JsonApi.anonymousKey("203.0.113.8"));
        assertThat(JsonApi.anonymousKey(null)).isEqualTo("ip:unknown");
        assertThat(JsonApi.anonymousKey("not an address")).isEqualTo("ip:unknown");
    }
}
