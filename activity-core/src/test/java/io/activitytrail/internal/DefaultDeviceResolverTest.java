package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.DeviceResolver;
import io.activitytrail.UapDeviceResolver;
import org.junit.jupiter.api.Test;

class DefaultDeviceResolverTest {

    @Test
    void shouldPickUapWhenItIsOnTheClassPath() {
        assertThat(DefaultDeviceResolver.forClassPath()).isInstanceOf(UapDeviceResolver.class);
    }

    @Test
    void shouldFallBackToNoneWithoutUap() {
        assertThat(DefaultDeviceResolver.pick(false)).isSameAs(DeviceResolver.NONE);
        assertThat(DefaultDeviceResolver.isPresent("ua_parser.NoSuchParser", getClass().getClassLoader())).isFalse();
        assertThat(DefaultDeviceResolver.isPresent(DefaultDeviceResolver.UAP_PARSER, getClass().getClassLoader())).isTrue();
    }
}
