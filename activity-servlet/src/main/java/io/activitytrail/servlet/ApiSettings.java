package io.activitytrail.servlet;

import static java.util.Objects.requireNonNull;

import io.activitytrail.Activity;
import io.activitytrail.PrivacyPolicy.LocationPrecision;
import io.activitytrail.UserResolver;
import io.activitytrail.servlet.AccessPolicy.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Settings of {@link ActivityApiServlet}; immutable and thread-safe. Made with {@link #builder()},
 * whose setters check each value at once and name it in the exception.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link Builder#basePath basePath}</td><td>{@code /api/profile/activity}: where the host maps the servlet (as {@code basePath + "/*"})</td></tr>
 *   <tr><td>{@link Builder#userResolver userResolver}</td><td>the name of {@code request.getUserPrincipal()}</td></tr>
 *   <tr><td>{@link Builder#maxBodyBytes maxBodyBytes}</td><td>64 KiB (body of {@code POST /log})</td></tr>
 *   <tr><td>{@link Builder#logActionAllowed logActionAllowed}</td><td>actions that start with {@code client.}</td></tr>
 *   <tr><td>{@link Builder#readLimit readLimit}</td><td>120 calls per caller per minute (timelines, stats)</td></tr>
 *   <tr><td>{@link Builder#exportLimit exportLimit}</td><td>10 per caller per minute</td></tr>
 *   <tr><td>{@link Builder#logLimit logLimit}</td><td>60 per caller per minute ({@code POST /log})</td></tr>
 *   <tr><td>{@link Builder#rateLimitWindow rateLimitWindow}</td><td>1 minute</td></tr>
 *   <tr><td>{@link Builder#anonymousLimit anonymousLimit}</td><td>30 per client IP per minute (calls without a signed-in user, answered 401 unless {@code /health} is open)</td></tr>
 *   <tr><td>{@link Builder#rateLimiter rateLimiter}</td><td>token buckets held by this instance, sized by the four limits above</td></tr>
 *   <tr><td>{@link Builder#clientAddress clientAddress}</td><td>{@code FilterSettings.defaults()}: no proxy trusted, the client is the socket peer</td></tr>
 *   <tr><td>{@link Builder#fields fields}</td><td>user: {@code id, action, description, severity, created_at, device_info, location_info};
 *       support adds {@code request_id, session_id, ip_address}; admin: every field</td></tr>
 *   <tr><td>{@link Builder#userLocationPrecision userLocationPrecision}</td><td>{@code REGION}: a user sees no city, postal code or coordinates</td></tr>
 *   <tr><td>{@link Builder#healthOpen healthOpen}</td><td>false: {@code GET /health} for admins only</td></tr>
 *   <tr><td>{@link Builder#healthTimeout healthTimeout}</td><td>2 seconds for the database check of {@code GET /health}</td></tr>
 *   <tr><td>{@link Builder#dashboardEnabled dashboardEnabled}</td><td>true: the dashboard page at {@code basePath + "/dashboard"}</td></tr>
 *   <tr><td>{@link Builder#dashboardCspReportUri dashboardCspReportUri}</td><td>none: where browsers report violations of the dashboard's Content-Security-Policy</td></tr>
 * </table>
 */
public final class ApiSettings {
    /** The default base path. */
    public static final String DEFAULT_BASE_PATH = "/api/profile/activity";

    /** Every field of an activity in the JSON, in the order they are written ({@link Activity#FIELD_NAMES}). */
    public static final List<String> ALL_FIELDS = Activity.FIELD_NAMES;
    private static final Set<String> USER_FIELDS = Set.of("id", "action", "description", "severity", "created_at",
            "device_info", "location_info");
    private static final Set<String> SUPPORT_FIELDS = union(USER_FIELDS, Set.of("request_id", "session_id", "ip_address"));

    private static final UserResolver<HttpServletRequest> PRINCIPAL = request -> {
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : Optional.ofNullable(principal.getName()).filter(n -> !n.isBlank());
    };

    private final String basePath;
    private final UserResolver<HttpServletRequest> userResolver;
    private final int maxBodyBytes;
    private final Predicate<String> logActionAllowed;
    private final int readLimit;
    private final int exportLimit;
    private final int logLimit;
    private final Duration rateLimitWindow;
    private final boolean healthOpen;
    private final int anonymousLimit;
    private final @Nullable RateLimiter rateLimiter;
    private final FilterSettings clientAddress;
    private final Map<Role, Set<String>> fields;
    private final LocationPrecision userLocationPrecision;
    private final Duration healthTimeout;
    private final boolean dashboardEnabled;
    private final @Nullable String dashboardCspReportUri;

    private ApiSettings(Builder b) {
        basePath = b.basePath;
        userResolver = b.userResolver;
        maxBodyBytes = b.maxBodyBytes;
        logActionAllowed = b.logActionAllowed;
        readLimit = b.readLimit;
        exportLimit = b.exportLimit;
        logLimit = b.logLimit;
        rateLimitWindow = b.rateLimitWindow;
        healthOpen = b.healthOpen;
        anonymousLimit = b.anonymousLimit;
        rateLimiter = b.rateLimiter;
        clientAddress = b.clientAddress;
        fields = Collections.unmodifiableMap(new EnumMap<>(b.fields));
        userLocationPrecision = b.userLocationPrecision;
        healthTimeout = b.healthTimeout;
        dashboardEnabled = b.dashboardEnabled;
        dashboardCspReportUri = b.dashboardCspReportUri;
    }

    /** The defaults listed above. */
    public static ApiSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults listed above. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the host maps the servlet, without a trailing slash. */
    public String basePath() {
        return basePath;
    }

    /** The URL pattern to map the servlet at: {@code basePath() + "/*"}. */
    public String urlPattern() {
        return basePath + "/*";
    }

    public UserResolver<HttpServletRequest> userResolver() {
        return userResolver;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public Predicate<String> logActionAllowed() {
        return logActionAllowed;
    }

    public int readLimit() {
        return readLimit;
    }

    public int exportLimit() {
        return exportLimit;
    }

    public int logLimit() {
        return logLimit;
    }

    public Duration rateLimitWindow() {
        return rateLimitWindow;
    }

    public boolean healthOpen() {
        return healthOpen;
    }

    public int anonymousLimit() {
        return anonymousLimit;
    }

    /** The limiter set with {@link Builder#rateLimiter}; empty for the default, per instance. */
    public Optional<RateLimiter> rateLimiter() {
        return Optional.ofNullable(rateLimiter);
    }

    /** The filter settings whose trusted proxies and forwarded headers say who the client is. */
    public FilterSettings clientAddress() {
        return clientAddress;
    }

    /** The fields of an activity that {@code role} sees. */
    public Set<String> fields(Role role) {
        return fields.get(role);
    }

    public LocationPrecision userLocationPrecision() {
        return userLocationPrecision;
    }

    public Duration healthTimeout() {
        return healthTimeout;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return Collections.unmodifiableSet(out);
    }

    /** Whether the servlet serves the dashboard page at {@code basePath() + "/dashboard"}. */
    public boolean dashboardEnabled() {
        return dashboardEnabled;
    }

    /** Where browsers report violations of the dashboard's Content-Security-Policy, if anywhere. */
    public Optional<String> dashboardCspReportUri() {
        return Optional.ofNullable(dashboardCspReportUri);
    }

    /** Builds {@link ApiSettings}; not thread-safe. */
    public static final class Builder {
        private String basePath = DEFAULT_BASE_PATH;
        private UserResolver<HttpServletRequest> userResolver = PRINCIPAL;
        private int maxBodyBytes = 64 * 1024;
        private Predicate<String> logActionAllowed = action -> action.startsWith("client.");
        private int readLimit = 120;
        private int exportLimit = 10;
        private int logLimit = 60;
        private Duration rateLimitWindow = Duration.ofMinutes(1);
        private boolean healthOpen;
        private int anonymousLimit = 30;
        private @Nullable RateLimiter rateLimiter;
        private FilterSettings clientAddress = FilterSettings.defaults();
        private final Map<Role, Set<String>> fields = new EnumMap<>(Map.of(
                Role.USER, USER_FIELDS, Role.SUPPORT, SUPPORT_FIELDS, Role.ADMIN, Set.copyOf(ALL_FIELDS)));
        private LocationPrecision userLocationPrecision = LocationPrecision.REGION;
        private Duration healthTimeout = Duration.ofSeconds(2);
        private boolean dashboardEnabled = true;
        private @Nullable String dashboardCspReportUri;

        private Builder() {}

        /**
         * Where the host maps the servlet: starts with {@code /}, no trailing slash, no wildcard.
         *
         * @throws IllegalArgumentException when it is not such a path
         */
        public Builder basePath(String basePath) {
            requireNonNull(basePath, "basePath");
            if (!basePath.matches("(/[A-Za-z0-9._~-]+)+")) {
                throw new IllegalArgumentException("basePath must be a path such as /api/profile/activity "
                        + "(starting with /, no trailing slash, no wildcard), but was \"" + basePath + "\"");
            }
            this.basePath = basePath;
            return this;
        }

        /** Who the caller is; an empty result is answered with 401. Called on the request thread. */
        public Builder userResolver(UserResolver<HttpServletRequest> userResolver) {
            this.userResolver = requireNonNull(userResolver, "userResolver");
            return this;
        }

        /** @throws IllegalArgumentException unless between 1 KiB and 1 MiB */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 1024 || maxBodyBytes > 1024 * 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1024 and 1048576, but was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Which actions {@code POST /log} accepts (after the action passed the rules of
         * {@code Activity}). Keep host actions such as {@code login} out, or anyone can forge them
         * in their own history.
         */
        public Builder logActionAllowed(Predicate<String> logActionAllowed) {
            this.logActionAllowed = requireNonNull(logActionAllowed, "logActionAllowed");
            return this;
        }

        /** Timeline and stats calls per caller per window. @throws IllegalArgumentException unless 1 to 1000000 */
        public Builder readLimit(int readLimit) {
            this.readLimit = checkLimit("readLimit", readLimit);
            return this;
        }

        /** Export calls per caller per window. @throws IllegalArgumentException unless 1 to 1000000 */
        public Builder exportLimit(int exportLimit) {
            this.exportLimit = checkLimit("exportLimit", exportLimit);
            return this;
        }

        /** {@code POST /log} calls per caller per window. @throws IllegalArgumentException unless 1 to 1000000 */
        public Builder logLimit(int logLimit) {
            this.logLimit = checkLimit("logLimit", logLimit);
            return this;
        }

        /** The window of every limit; tokens refill evenly across it. @throws IllegalArgumentException unless 1 second to 1 day */
        public Builder rateLimitWindow(Duration rateLimitWindow) {
            requireNonNull(rateLimitWindow, "rateLimitWindow");
            if (rateLimitWindow.compareTo(Duration.ofSeconds(1)) < 0 || rateLimitWindow.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("rateLimitWindow must be between PT1S and P1D, but was " + rateLimitWindow);
            }
            this.rateLimitWindow = rateLimitWindow;
            return this;
        }

        /** Whether {@code GET /health} answers any caller, signed in or not (default: admins only). */
        public Builder healthOpen(boolean healthOpen) {
            this.healthOpen = healthOpen;
            return this;
        }

        /**
         * Calls per client IP per window without a signed-in user (they get 401, or the open
         * {@code /health}), so that nobody probes the API unchecked.
         *
         * @throws IllegalArgumentException unless 1 to 1000000
         */
        public Builder anonymousLimit(int anonymousLimit) {
            this.anonymousLimit = checkLimit("anonymousLimit", anonymousLimit);
            return this;
        }

        /**
         * Replaces the per-instance token buckets, for one limit across a cluster; the limits and
         * window settings then do nothing. See {@link RateLimiter}.
         */
        public Builder rateLimiter(RateLimiter rateLimiter) {
            this.rateLimiter = requireNonNull(rateLimiter, "rateLimiter");
            return this;
        }

        /**
         * Who the client is when nobody is signed in (the key of {@link #anonymousLimit}) and the IP
         * of {@code POST /log}: the socket peer, or what a trusted proxy forwards, as the
         * {@link FilterSettings.Builder#trustedProxies trustedProxies},
         * {@link FilterSettings.Builder#forwardedForHeader forwardedForHeader} and
         * {@link FilterSettings.Builder#useForwardedHeader useForwardedHeader} of these settings
         * say. Pass the settings of your {@link ActivityFilter} so that both agree.
         */
        public Builder clientAddress(FilterSettings filterSettings) {
            this.clientAddress = requireNonNull(filterSettings, "filterSettings");
            return this;
        }

        /**
         * The fields of an activity that {@code role} sees; a field it may not see is absent from
         * the JSON, not {@code null}.
         *
         * @param fields names from {@link #ALL_FIELDS}
         * @throws IllegalArgumentException naming a field that is not one of them
         */
        public Builder fields(Role role, Collection<String> fields) {
            requireNonNull(role, "role");
            Set<String> copy = new LinkedHashSet<>();
            for (String field : requireNonNull(fields, "fields")) {
                if (field == null || !ALL_FIELDS.contains(field)) {
                    throw new IllegalArgumentException("fields of " + role + " must be among " + ALL_FIELDS
                            + ", but included " + (field == null ? "null" : "\"" + field + "\""));
                }
                copy.add(field);
            }
            this.fields.put(role, Collections.unmodifiableSet(copy));
            return this;
        }

        /** How much of {@code location_info} a user sees of their own activity (support and admin see what is stored). */
        public Builder userLocationPrecision(LocationPrecision userLocationPrecision) {
            this.userLocationPrecision = requireNonNull(userLocationPrecision, "userLocationPrecision");
            return this;
        }

        /** How long the database check of {@code GET /health} waits. @throws IllegalArgumentException unless 100 ms to 1 minute */
        public Builder healthTimeout(Duration healthTimeout) {
            requireNonNull(healthTimeout, "healthTimeout");
            if (healthTimeout.compareTo(Duration.ofMillis(100)) < 0 || healthTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("healthTimeout must be between PT0.1S and PT1M, but was " + healthTimeout);
            }
            this.healthTimeout = healthTimeout;
            return this;
        }

        /**
         * Whether the servlet serves the dashboard (default true): an HTML page and its scripts and
         * styles at {@code basePath + "/dashboard"}, standing only on this API and behind the same
         * authentication. When false, {@code basePath + "/dashboard"} answers 404 like any unknown route.
         */
        public Builder dashboardEnabled(boolean dashboardEnabled) {
            this.dashboardEnabled = dashboardEnabled;
            return this;
        }

        /**
         * Adds {@code report-uri} to the dashboard's Content-Security-Policy, so that browsers post
         * each violation there (default: no reports).
         *
         * @throws IllegalArgumentException unless a path starting with {@code /} or an
         *     {@code https://} URL, without spaces, quotes, commas or semicolons
         */
        public Builder dashboardCspReportUri(String reportUri) {
            requireNonNull(reportUri, "reportUri");
            if (!reportUri.matches("(/|https://)[A-Za-z0-9._~:/?#@!$&()*+=%-]*") || reportUri.startsWith("//")) {
                throw new IllegalArgumentException("dashboardCspReportUri must be a path starting with / or an https:// URL "
                        + "(no spaces, quotes, commas or semicolons), but was \"" + reportUri + "\"");
            }
            this.dashboardCspReportUri = reportUri;
            return this;
        }

        public ApiSettings build() {
            return new ApiSettings(this);
        }

        private static int checkLimit(String name, int value) {
            if (value < 1 || value > 1_000_000) {
                throw new IllegalArgumentException(name + " must be between 1 and 1000000, but was " + value);
            }
            return value;
        }
    }
}
