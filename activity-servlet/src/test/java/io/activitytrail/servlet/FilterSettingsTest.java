package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.servlet.internal.InitParameters;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterSettingsTest {

    /** A request with only a peer address and headers: what clientAddress reads. */
    private static HttpServletRequest request(String peer, Map<String, List<String>> headers) {
        return (HttpServletRequest) Proxy.newProxyInstance(FilterSettingsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> peer;
                    case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
                    case "getHeader" -> headers.getOrDefault((String) args[0], List.of()).stream().findFirst().orElse(null);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void shouldGiveTheClientAddressAsTheFilterLogsIt() {
        Map<String, List<String>> forwarded = Map.of("X-Forwarded-For", List.of("203.0.113.77, 10.0.0.5"),
                "Forwarded", List.of("for=198.51.100.9"));
        FilterSettings behindProxies = FilterSettings.builder().trustedProxies("10.0.0.0/8").build();

        assertThat(behindProxies.clientAddress(request("10.0.0.1", forwarded))).hasValue("203.0.113.77");
        assertThat(behindProxies.clientAddress(request("192.0.2.4", forwarded))).as("an untrusted peer's headers").hasValue("192.0.2.4");
        assertThat(FilterSettings.defaults().clientAddress(request("10.0.0.1", forwarded))).hasValue("10.0.0.1");
        assertThat(behindProxies.toBuilder().useForwardedHeader(true).build().clientAddress(request("10.0.0.1", forwarded)))
                .hasValue("198.51.100.9");
        assertThat(behindProxies.clientAddress(request("unix-socket", Map.of()))).isEmpty();
    }

    @Test
    void shouldHaveTheDocumentedDefaults() {
        FilterSettings d = FilterSettings.defaults();

        assertThat(d.anonymousUserId()).isEmpty();
        assertThat(d.trustedProxies()).isEmpty();
        assertThat(d.forwardedForHeader()).isEqualTo("X-Forwarded-For");
        assertThat(d.useForwardedHeader()).isFalse();
        assertThat(d.requestIdHeader()).isEqualTo("X-Request-Id");
        assertThat(d.mdcKey()).isEqualTo("requestId");
        assertThat(d.routeAttribute()).isEqualTo("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
        assertThat(d.includePatterns()).containsExactly("/**");
        assertThat(d.excludePatterns()).contains("*.css", "*.js", "*.png", "*.woff2", "/webjars/**", "/health", "/actuator/**");
        assertThat(d.includeMethods()).isEmpty();
        assertThat(d.excludeMethods()).isEmpty();
        assertThat(d.activityApiPath()).hasValue("/api/profile/activity");
        assertThat(d.countryHeaders()).containsExactly("CF-IPCountry", "CloudFront-Viewer-Country");
        assertThat(d.secretQueryKeys()).contains("password", "token", "api_key", "session", "cvv", "ssn");
        assertThat(d.severity()).isSameAs(SeverityFunction.DEFAULT);
    }

    @Test
    void shouldNameTheBadValueInTheMessage() {
        FilterSettings.Builder b = FilterSettings.builder();

        assertThatThrownBy(() -> b.trustedProxies("10.0.0.0/8", "10.0.0/8x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trustedProxies entry must be an IP address or CIDR, but was \"10.0.0/8x\"");
        assertThatThrownBy(() -> b.trustedProxies("proxy.internal")).hasMessageContaining("\"proxy.internal\"");
        assertThatThrownBy(() -> b.excludePatterns("static/**"))
                .hasMessage("excludePatterns entry must be a path pattern starting with \"/\" or \"*.\", but was \"static/**\"");
        assertThatThrownBy(() -> b.includeMethods("GE T"))
                .hasMessage("includeMethods entry must be an HTTP method, but was \"GE T\"");
        assertThatThrownBy(() -> b.requestIdHeader("X Request Id"))
                .hasMessage("requestIdHeader must be an HTTP header name, but was \"X Request Id\"");
        assertThatThrownBy(() -> b.anonymousUserId(" ")).hasMessageStartingWith("anonymousUserId must be a valid user id, but was \" \"");
        assertThatThrownBy(() -> b.activityApiPath("api")).hasMessage("activityApiPath must start with \"/\", but was \"api\"");
        assertThatThrownBy(() -> b.mdcKey("")).hasMessage("mdcKey must not be blank, but was \"\"");
        assertThatThrownBy(() -> b.secretQueryKeys(List.of("__"))).hasMessageContaining("\"__\"");
        // Regression: a key of other letters compacted to nothing (or to its digits) and silently matched nothing.
        assertThatThrownBy(() -> b.secretQueryKeys(List.of("пароль")))
                .hasMessage("secretQueryKeys entry must use only ASCII letters and digits, but was \"пароль\"");
        assertThatThrownBy(() -> b.countryHeaders("CF IPCountry")).hasMessageContaining("\"CF IPCountry\"");
    }

    @Test
    void shouldKeepDefaultsWhenAddingExcludePatternsAndNormaliseValues() {
        FilterSettings s = FilterSettings.builder().addExcludePatterns("/internal/**").includeMethods("get", " post ")
                .activityApiPath("/my/api/").trustedProxies(" 10.0.0.0/8 ").build();

        assertThat(s.excludePatterns()).containsAll(FilterSettings.DEFAULT_EXCLUDE_PATTERNS).endsWith("/internal/**");
        assertThat(s.includeMethods()).containsExactly("GET", "POST");
        assertThat(s.activityApiPath()).hasValue("/my/api");
        assertThat(s.trustedProxies()).containsExactly("10.0.0.0/8");
        assertThat(s.toBuilder().build().toString()).isEqualTo(s.toString());
    }

    @Test
    void shouldReadInitParametersAndNameTheBadOne() {
        Map<String, String> params = Map.of("trustedProxies", "10.0.0.0/8, 127.0.0.1", "useForwardedHeader", "true",
                "anonymousUserId", "guest", "excludeMethods", "OPTIONS,HEAD", "activityApiPath", "none",
                "countryHeaders", "X-Country");

        FilterSettings s = InitParameters.apply(FilterSettings.defaults(), params::get);

        assertThat(s.trustedProxies()).containsExactly("10.0.0.0/8", "127.0.0.1");
        assertThat(s.useForwardedHeader()).isTrue();
        assertThat(s.anonymousUserId()).hasValue("guest");
        assertThat(s.excludeMethods()).containsExactly("OPTIONS", "HEAD");
        assertThat(s.activityApiPath()).isEmpty();
        assertThat(s.countryHeaders()).containsExactly("X-Country");
        assertThatThrownBy(() -> InitParameters.apply(FilterSettings.defaults(), Map.of("trustedProxies", "10.0.0/8x")::get))
                .hasMessage("init-param trustedProxies: trustedProxies entry must be an IP address or CIDR, but was \"10.0.0/8x\"");
        assertThatThrownBy(() -> InitParameters.apply(FilterSettings.defaults(), Map.of("useForwardedHeader", "yes")::get))
                .hasMessage("init-param useForwardedHeader: must be true or false, but was \"yes\"");
    }
}
