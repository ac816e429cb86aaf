package io.activitytrail.servlet;

import static java.util.Objects.requireNonNull;

import io.activitytrail.Activity;
import io.activitytrail.InvalidActivityException;
import io.activitytrail.UserResolver;
import io.activitytrail.servlet.internal.Cidr;
import io.activitytrail.servlet.internal.ClientAddresses;
import io.activitytrail.servlet.internal.PathPattern;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ActivityFilter} logs and how it reads the request. Immutable and thread-safe; made
 * with {@link #builder()}, whose setters check each value at once and name a bad one in an
 * {@link IllegalArgumentException}. {@link #defaults()} gives every default:
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link Builder#action action}</td><td>{@code http_request} for every request</td></tr>
 *   <tr><td>{@link Builder#severity severity}</td><td>{@link SeverityFunction#DEFAULT}: 5xx ERROR; 401, 403, 429 WARNING; else INFO</td></tr>
 *   <tr><td>{@link Builder#userResolver userResolver}</td><td>the name of {@code request.getUserPrincipal()}</td></tr>
 *   <tr><td>{@link Builder#anonymousUserId anonymousUserId}</td><td>none: anonymous requests are not logged</td></tr>
 *   <tr><td>{@link Builder#trustedProxies trustedProxies}</td><td>none: the socket peer is the client</td></tr>
 *   <tr><td>{@link Builder#forwardedForHeader forwardedForHeader}</td><td>{@code X-Forwarded-For}</td></tr>
 *   <tr><td>{@link Builder#useForwardedHeader useForwardedHeader}</td><td>false (RFC 7239 {@code Forwarded} is not read)</td></tr>
 *   <tr><td>{@link Builder#requestIdHeader requestIdHeader}</td><td>{@code X-Request-Id}</td></tr>
 *   <tr><td>{@link Builder#mdcKey mdcKey}</td><td>{@code requestId}</td></tr>
 *   <tr><td>{@link Builder#routeAttribute routeAttribute}</td><td>{@value #DEFAULT_ROUTE_ATTRIBUTE}</td></tr>
 *   <tr><td>{@link Builder#includePatterns includePatterns}</td><td>{@code /**}</td></tr>
 *   <tr><td>{@link Builder#excludePatterns excludePatterns}</td><td>{@link #DEFAULT_EXCLUDE_PATTERNS}: static assets, {@code /webjars/**}, {@code /health}, {@code /actuator/**}</td></tr>
 *   <tr><td>{@link Builder#includeMethods includeMethods}</td><td>all</td></tr>
 *   <tr><td>{@link Builder#excludeMethods excludeMethods}</td><td>none</td></tr>
 *   <tr><td>{@link Builder#activityApiPath activityApiPath}</td><td>{@value #DEFAULT_ACTIVITY_API_PATH} (its GET routes are not logged)</td></tr>
 *   <tr><td>{@link Builder#countryHeaders countryHeaders}</td><td>{@code CF-IPCountry}, {@code CloudFront-Viewer-Country}</td></tr>
 *   <tr><td>{@link Builder#secretQueryKeys secretQueryKeys}</td><td>{@link #DEFAULT_SECRET_QUERY_KEYS}</td></tr>
 * </table>
 */
public final class FilterSettings {
    /** Spring MVC's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}: the route template. */
    public static final String DEFAULT_ROUTE_ATTRIBUTE = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";
    public static final String DEFAULT_ACTION = "http_request";
    public static final String DEFAULT_ACTIVITY_API_PATH = "/api/profile/activity";
    public static final String DEFAULT_FORWARDED_FOR_HEADER = "X-Forwarded-For";
    public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-Id";
    public static final String DEFAULT_MDC_KEY = "requestId";
    public static final List<String> DEFAULT_INCLUDE_PATTERNS = List.of("/**");
    public static final List<String> DEFAULT_EXCLUDE_PATTERNS = List.of(
            "*.css", "*.js", "*.map",
            "*.png", "*.jpg", "*.jpeg", "*.gif", "*.svg", "*.ico", "*.webp",
            "*.woff", "*.woff2", "*.ttf", "*.eot",
            "/favicon.ico", "/webjars/**", "/health", "/actuator/**");
    public static final List<String> DEFAULT_COUNTRY_HEADERS = List.of("CF-IPCountry", "CloudFront-Viewer-Country");
    /**
     * Query parameters whose values are replaced by {@code ***}; a name matches when, lower-cased
     * and with everything but letters and digits removed, it contains one of these (so
     * {@code access_token}, {@code X-Api-Key} and {@code jsessionid} match).
     */
    public static final List<String> DEFAULT_SECRET_QUERY_KEYS = List.of(
            "password", "passwd", "pwd", "secret", "token", "authorization", "cookie", "api_key", "apikey",
            "access_key", "private_key", "session", "credit_card", "card_number", "cvv", "cvc", "ssn", "jwt",
            "signature");

    private static final Function<HttpServletRequest, String> DEFAULT_ACTION_FUNCTION = request -> DEFAULT_ACTION;
    private static final UserResolver<HttpServletRequest> PRINCIPAL = request -> {
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : Optional.ofNullable(principal.getName()).filter(n -> !n.isBlank());
    };
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}");
    private static final FilterSettings DEFAULTS = new Builder().build();

    private final Function<HttpServletRequest, String> action;
    private final SeverityFunction severity;
    private final UserResolver<HttpServletRequest> userResolver;
    private final @Nullable String anonymousUserId;
    private final List<String> trustedProxies;
    private final String forwardedForHeader;
    private final boolean useForwardedHeader;
    private final String requestIdHeader;
    private final String mdcKey;
    private final String routeAttribute;
    private final List<String> includePatterns;
    private final List<String> excludePatterns;
    private final List<String> includeMethods;
    private final List<String> excludeMethods;
    private final @Nullable String activityApiPath;
    private final List<String> countryHeaders;
    private final List<String> secretQueryKeys;
    private final ClientAddresses clientAddresses;

    private FilterSettings(Builder b) {
        this.action = b.action;
        this.severity = b.severity;
        this.userResolver = b.userResolver;
        this.anonymousUserId = b.anonymousUserId;
        this.trustedProxies = b.trustedProxies;
        this.forwardedForHeader = b.forwardedForHeader;
        this.useForwardedHeader = b.useForwardedHeader;
        this.requestIdHeader = b.requestIdHeader;
        this.mdcKey = b.mdcKey;
        this.routeAttribute = b.routeAttribute;
        this.includePatterns = b.includePatterns;
        this.excludePatterns = b.excludePatterns;
        this.includeMethods = b.includeMethods;
        this.excludeMethods = b.excludeMethods;
        this.activityApiPath = b.activityApiPath;
        this.countryHeaders = b.countryHeaders;
        this.secretQueryKeys = b.secretQueryKeys;
        this.clientAddresses = new ClientAddresses(this);
    }

    /** Every setting at its default (see the table above). */
    public static FilterSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.action = action;
        b.severity = severity;
        b.userResolver = userResolver;
        b.anonymousUserId = anonymousUserId;
        b.trustedProxies = trustedProxies;
        b.forwardedForHeader = forwardedForHeader;
        b.useForwardedHeader = useForwardedHeader;
        b.requestIdHeader = requestIdHeader;
        b.mdcKey = mdcKey;
        b.routeAttribute = routeAttribute;
        b.includePatterns = includePatterns;
        b.excludePatterns = excludePatterns;
        b.includeMethods = includeMethods;
        b.excludeMethods = excludeMethods;
        b.activityApiPath = activityApiPath;
        b.countryHeaders = countryHeaders;
        b.secretQueryKeys = secretQueryKeys;
        return b;
    }

    public Function<HttpServletRequest, String> action() {
        return action;
    }

    public SeverityFunction severity() {
        return severity;
    }

    public UserResolver<HttpServletRequest> userResolver() {
        return userResolver;
    }

    public Optional<String> anonymousUserId() {
        return Optional.ofNullable(anonymousUserId);
    }

    public List<String> trustedProxies() {
        return trustedProxies;
    }

    public String forwardedForHeader() {
        return forwardedForHeader;
    }

    public boolean useForwardedHeader() {
        return useForwardedHeader;
    }

    public String requestIdHeader() {
        return requestIdHeader;
    }

    public String mdcKey() {
        return mdcKey;
    }

    public String routeAttribute() {
        return routeAttribute;
    }

    public List<String> includePatterns() {
        return includePatterns;
    }

    public List<String> excludePatterns() {
        return excludePatterns;
    }

    public List<String> includeMethods() {
        return includeMethods;
    }

    public List<String> excludeMethods() {
        return excludeMethods;
    }

    public Optional<String> activityApiPath() {
        return Optional.ofNullable(activityApiPath);
    }

    public List<String> countryHeaders() {
        return countryHeaders;
    }

    public List<String> secretQueryKeys() {
        return secretQueryKeys;
    }

    /**
     * The client's IP address of {@code request} as {@link ActivityFilter} logs it: the socket
     * peer, or, when the peer is one of the {@link Builder#trustedProxies trusted proxies}, the
     * address its {@link Builder#forwardedForHeader forwarded-for} (or, with
     * {@link Builder#useForwardedHeader}, {@code Forwarded}) header names. For code that logs
     * activities of a request itself (a sign-in listener, say), so that they carry the same
     * address as the filter's. Not yet masked (the trail's privacy policy does that). Thread-safe;
     * reads headers only.
     *
     * @return the address as a literal, or empty when the peer's address is not an IP address
     */
    public Optional<String> clientAddress(HttpServletRequest request) {
        return Optional.ofNullable(clientAddresses.resolve(requireNonNull(request, "request")).ip());
    }

    @Override
    public String toString() {
        return "FilterSettings[anonymousUserId=" + anonymousUserId + ", trustedProxies=" + trustedProxies
                + ", forwardedForHeader=" + forwardedForHeader + ", useForwardedHeader=" + useForwardedHeader
                + ", requestIdHeader=" + requestIdHeader + ", mdcKey=" + mdcKey + ", routeAttribute=" + routeAttribute
                + ", includePatterns=" + includePatterns + ", excludePatterns=" + excludePatterns
                + ", includeMethods=" + includeMethods + ", excludeMethods=" + excludeMethods
                + ", activityApiPath=" + activityApiPath + ", countryHeaders=" + countryHeaders
                + ", secretQueryKeys=" + secretQueryKeys + "]";
    }

    /**
     * Builds {@link FilterSettings}. Each setter checks its value at once. Not thread-safe; every
     * setter returns this builder.
     */
    public static final class Builder {
        private Function<HttpServletRequest, String> action = DEFAULT_ACTION_FUNCTION;
        private SeverityFunction severity = SeverityFunction.DEFAULT;
        private UserResolver<HttpServletRequest> userResolver = PRINCIPAL;
        private @Nullable String anonymousUserId;
        private List<String> trustedProxies = List.of();
        private String forwardedForHeader = DEFAULT_FORWARDED_FOR_HEADER;
        private boolean useForwardedHeader;
        private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;
        private String mdcKey = DEFAULT_MDC_KEY;
        private String routeAttribute = DEFAULT_ROUTE_ATTRIBUTE;
        private List<String> includePatterns = DEFAULT_INCLUDE_PATTERNS;
        private List<String> excludePatterns = DEFAULT_EXCLUDE_PATTERNS;
        private List<String> includeMethods = List.of();
        private List<String> excludeMethods = List.of();
        private @Nullable String activityApiPath = DEFAULT_ACTIVITY_API_PATH;
        private List<String> countryHeaders = DEFAULT_COUNTRY_HEADERS;
        private List<String> secretQueryKeys = DEFAULT_SECRET_QUERY_KEYS;

        private Builder() {}

        /**
         * The action of each logged request, from the request (when it completes). Default:
         * {@code http_request}. A value that is not a valid action makes that request go unlogged
         * (counted in {@link ActivityFilter#failures()}), never fail.
         */
        public Builder action(Function<HttpServletRequest, String> action) {
            this.action = requireNonNull(action, "action");
            return this;
        }

        /** Default {@link SeverityFunction#DEFAULT}. */
        public Builder severity(SeverityFunction severity) {
            this.severity = requireNonNull(severity, "severity");
            return this;
        }

        /**
         * Who made the request; called on the request thread when the request starts and again when
         * it completes (the later answer wins, so a login request is logged under the user it
         * signed in, a logout under the user it signed out). Default: the name of
         * {@code request.getUserPrincipal()}.
         */
        public Builder userResolver(UserResolver<HttpServletRequest> userResolver) {
            this.userResolver = requireNonNull(userResolver, "userResolver");
            return this;
        }

        /**
         * Logs anonymous requests under this user id; null (the default) does not log them.
         *
         * @throws IllegalArgumentException when it is not a valid user id (blank, longer than 128
         *     characters, control characters)
         */
        public Builder anonymousUserId(@Nullable String anonymousUserId) {
            if (anonymousUserId != null) {
                try {
                    Activity.validateUserId(anonymousUserId);
                } catch (InvalidActivityException e) {
                    throw new IllegalArgumentException("anonymousUserId must be a valid user id, but was "
                            + quote(anonymousUserId) + ": " + e.getMessage(), e);
                }
            }
            this.anonymousUserId = anonymousUserId;
            return this;
        }

        /**
         * Proxies whose forwarding headers are believed: IPv4 or IPv6 addresses or CIDR networks
         * ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}). Default: none, so forwarding
         * headers are ignored and the socket peer is the client. CDN country headers are also read
         * only from these.
         *
         * @throws IllegalArgumentException naming the first entry that is neither
         */
        public Builder trustedProxies(List<String> trustedProxies) {
            List<String> copy = new ArrayList<>();
            for (String entry : requireNonNull(trustedProxies, "trustedProxies")) {
                if (entry == null || Cidr.parse(entry) == null) {
                    throw new IllegalArgumentException("trustedProxies entry must be an IP address or CIDR, but was "
                            + quote(entry));
                }
                copy.add(entry.trim());
            }
            this.trustedProxies = List.copyOf(copy);
            return this;
        }

        /** @see #trustedProxies(List) */
        public Builder trustedProxies(String... trustedProxies) {
            return trustedProxies(Arrays.asList(trustedProxies));
        }

        /**
         * The header a trusted proxy appends the client address to. Default {@code X-Forwarded-For}.
         *
         * @throws IllegalArgumentException when it is not a header name
         */
        public Builder forwardedForHeader(String forwardedForHeader) {
            this.forwardedForHeader = headerName("forwardedForHeader", forwardedForHeader);
            return this;
        }

        /**
         * Whether to read RFC 7239 {@code Forwarded: for=...} from trusted proxies; when a request
         * carries it, it is read instead of {@link #forwardedForHeader}. Default false.
         */
        public Builder useForwardedHeader(boolean useForwardedHeader) {
            this.useForwardedHeader = useForwardedHeader;
            return this;
        }

        /**
         * The header a request id is read from and echoed in. Default {@code X-Request-Id}.
         *
         * @throws IllegalArgumentException when it is not a header name
         */
        public Builder requestIdHeader(String requestIdHeader) {
            this.requestIdHeader = headerName("requestIdHeader", requestIdHeader);
            return this;
        }

        /**
         * The SLF4J MDC key holding the request id while the filter chain runs. Default
         * {@code requestId}.
         *
         * @throws IllegalArgumentException when blank
         */
        public Builder mdcKey(String mdcKey) {
            this.mdcKey = notBlank("mdcKey", mdcKey);
            return this;
        }

        /**
         * The request attribute holding the route template ({@code /orders/{id}}) once the request
         * was handled. Default: Spring MVC's best-matching-pattern attribute.
         *
         * @throws IllegalArgumentException when blank
         */
        public Builder routeAttribute(String routeAttribute) {
            this.routeAttribute = notBlank("routeAttribute", routeAttribute);
            return this;
        }

        /**
         * Only requests whose path (within the application) matches one of these are logged.
         * Ant-style ({@code /api/**}, {@code /orders/*}) or extension ({@code *.html}) patterns.
         * Default {@code /**}.
         *
         * @throws IllegalArgumentException naming the first entry that is not a pattern
         */
        public Builder includePatterns(List<String> includePatterns) {
            this.includePatterns = patterns("includePatterns", includePatterns);
            return this;
        }

        /** @see #includePatterns(List) */
        public Builder includePatterns(String... includePatterns) {
            return includePatterns(Arrays.asList(includePatterns));
        }

        /**
         * Requests whose path matches one of these are not logged; replaces the defaults
         * ({@link #DEFAULT_EXCLUDE_PATTERNS}). Use {@link #addExcludePatterns} to keep them.
         *
         * @throws IllegalArgumentException naming the first entry that is not a pattern
         */
        public Builder excludePatterns(List<String> excludePatterns) {
            this.excludePatterns = patterns("excludePatterns", excludePatterns);
            return this;
        }

        /** @see #excludePatterns(List) */
        public Builder excludePatterns(String... excludePatterns) {
            return excludePatterns(Arrays.asList(excludePatterns));
        }

        /**
         * Adds to the exclude patterns set so far (the defaults unless replaced).
         *
         * @throws IllegalArgumentException naming the first entry that is not a pattern
         */
        public Builder addExcludePatterns(String... patterns) {
            List<String> all = new ArrayList<>(excludePatterns);
            all.addAll(patterns("excludePatterns", Arrays.asList(patterns)));
            this.excludePatterns = List.copyOf(all);
            return this;
        }

        /**
         * Only requests with one of these methods are logged; empty (the default) means all.
         *
         * @throws IllegalArgumentException naming the first entry that is not a method name
         */
        public Builder includeMethods(List<String> includeMethods) {
            this.includeMethods = methods("includeMethods", includeMethods);
            return this;
        }

        /** @see #includeMethods(List) */
        public Builder includeMethods(String... includeMethods) {
            return includeMethods(Arrays.asList(includeMethods));
        }

        /**
         * Requests with one of these methods are not logged ({@code OPTIONS}, say). Default none.
         *
         * @throws IllegalArgumentException naming the first entry that is not a method name
         */
        public Builder excludeMethods(List<String> excludeMethods) {
            this.excludeMethods = methods("excludeMethods", excludeMethods);
            return this;
        }

        /** @see #excludeMethods(List) */
        public Builder excludeMethods(String... excludeMethods) {
            return excludeMethods(Arrays.asList(excludeMethods));
        }

        /**
         * Base path of the activity JSON API: GET (and HEAD) requests to it and below are not
         * logged, so reading one's activity does not add to it. Null turns this off. Default
         * {@value #DEFAULT_ACTIVITY_API_PATH}.
         *
         * @throws IllegalArgumentException when it does not start with {@code /}
         */
        public Builder activityApiPath(@Nullable String activityApiPath) {
            if (activityApiPath != null && (!activityApiPath.startsWith("/") || PathPattern.compile(activityApiPath) == null)) {
                throw new IllegalArgumentException("activityApiPath must start with \"/\", but was " + quote(activityApiPath));
            }
            this.activityApiPath = activityApiPath == null || activityApiPath.equals("/") ? activityApiPath
                    : activityApiPath.replaceAll("/+$", "");
            return this;
        }

        /**
         * Headers a CDN sets to the client's country ({@code DE}); read only when the socket peer
         * is a trusted proxy, and only a valid ISO 3166 code is taken. Replaces the defaults
         * ({@code CF-IPCountry}, {@code CloudFront-Viewer-Country}); empty turns this off.
         *
         * @throws IllegalArgumentException naming the first entry that is not a header name
         */
        public Builder countryHeaders(List<String> countryHeaders) {
            List<String> copy = new ArrayList<>();
            for (String h : requireNonNull(countryHeaders, "countryHeaders")) {
                copy.add(headerName("countryHeaders entry", h));
            }
            this.countryHeaders = List.copyOf(copy);
            return this;
        }

        /** @see #countryHeaders(List) */
        public Builder countryHeaders(String... countryHeaders) {
            return countryHeaders(Arrays.asList(countryHeaders));
        }

        /**
         * Query parameter names whose values are replaced by {@code ***} in the logged path;
         * replaces {@link #DEFAULT_SECRET_QUERY_KEYS}.
         *
         * @throws IllegalArgumentException naming the first entry without a letter or digit
         */
        public Builder secretQueryKeys(List<String> secretQueryKeys) {
            List<String> copy = new ArrayList<>();
            for (String k : requireNonNull(secretQueryKeys, "secretQueryKeys")) {
                if (k == null || k.chars().noneMatch(Character::isLetterOrDigit)) {
                    throw new IllegalArgumentException("secretQueryKeys entry must contain a letter or digit, but was "
                            + quote(k));
                }
                // Names are compared by their ASCII letters and digits only: any other letter would
                // be dropped, and the key would match nothing or far too much.
                if (k.chars().anyMatch(c -> c >= 0x80 && Character.isLetterOrDigit(c))) {
                    throw new IllegalArgumentException("secretQueryKeys entry must use only ASCII letters and digits, but was "
                            + quote(k));
                }
                copy.add(k.toLowerCase(Locale.ROOT));
            }
            this.secretQueryKeys = List.copyOf(copy);
            return this;
        }

        public FilterSettings build() {
            return new FilterSettings(this);
        }

        private static List<String> patterns(String setting, List<String> patterns) {
            List<String> copy = new ArrayList<>();
            for (String p : requireNonNull(patterns, setting)) {
                if (p == null || PathPattern.compile(p.trim()) == null) {
                    throw new IllegalArgumentException(setting + " entry must be a path pattern starting with \"/\" or \"*.\", but was "
                            + quote(p));
                }
                copy.add(p.trim());
            }
            return List.copyOf(copy);
        }

        private static List<String> methods(String setting, List<String> methods) {
            List<String> copy = new ArrayList<>();
            for (String m : requireNonNull(methods, setting)) {
                if (m == null || !METHOD.matcher(m.trim()).matches()) {
                    throw new IllegalArgumentException(setting + " entry must be an HTTP method, but was " + quote(m));
                }
                copy.add(m.trim().toUpperCase(Locale.ROOT));
            }
            return List.copyOf(copy);
        }

        private static String headerName(String setting, @Nullable String name) {
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(setting + " must be an HTTP header name, but was " + quote(name));
            }
            return name;
        }

        private static String notBlank(String setting, @Nullable String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(setting + " must not be blank, but was " + quote(value));
            }
            return value;
        }

        private static String quote(@Nullable String value) {
            if (value == null) {
                return "null";
            }
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < value.length() && i < 60; i++) {
                char c = value.charAt(i);
                out.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
            return out.append(value.length() > 60 ? "...\"" : "\"").toString();
        }
    }
}
