package io.activitytrail.servlet.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.RequestInfo;
import io.activitytrail.Severity;
import io.activitytrail.servlet.FilterSettings;
import io.activitytrail.servlet.SeverityFunction;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The work of {@code ActivityFilter}: decides whether a request is logged, reads what it needs
 * from the headers when the request starts, and logs one activity when it completes. Thread-safe
 * (immutable but for the failure counter). Every step of its own is guarded: a failure is counted
 * and logged at most once a minute, and the request goes on.
 */
public final class RequestLogger {
    /** Set on the first dispatch of a request; later dispatches of it (forward, include, error, async) pass through. */
    public static final String SEEN_ATTRIBUTE = "io.activitytrail.servlet.ActivityFilter.SEEN";
    public static final String REQUEST_ID_ATTRIBUTE = "io.activitytrail.requestId";

    static final int MAX_PATH_LENGTH = 2_048;
    static final int MAX_ROUTE_LENGTH = 512;
    static final int MAX_HINT_LENGTH = 256;
    private static final int MAX_DESCRIPTION_PATH = 900;
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Logger LOG = LoggerFactory.getLogger("io.activitytrail.servlet.ActivityFilter");

    private final ActivityTrail trail;
    private final FilterSettings settings;
    private final ClientAddresses clientAddresses;
    private final List<PathPattern> includes;
    private final List<PathPattern> excludes;
    private final Set<String> includeMethods;
    private final Set<String> excludeMethods;
    private final @Nullable String apiPath;
    /** {@link #apiPath} with one trailing slash: what the paths below it start with. */
    private final @Nullable String apiPathPrefix;
    private final QueryRedactor queryRedactor;
    /**
     * Browsers send a few distinct client hints (one per brand and major version); bounded against
     * made-up ones. Its upkeep (amortised over the reads) runs on the request thread rather than
     * waking a common-pool thread, as the trail's device cache keeps its own on the writer.
     */
    private final Cache<ClientHintHeaders, Map<String, Object>> deviceInfoByClientHints =
            Caffeine.newBuilder().maximumSize(1_000).executor(Runnable::run).build();
    private final LongAdder failures = new LongAdder();
    private final RateLimitedLog rateLimitedLog = new RateLimitedLog(LOG);

    public RequestLogger(ActivityTrail trail, FilterSettings settings) {
        this.trail = trail;
        this.settings = settings;
        this.clientAddresses = new ClientAddresses(settings);
        this.includes = compile(settings.includePatterns());
        this.excludes = compile(settings.excludePatterns());
        this.includeMethods = new HashSet<>(settings.includeMethods());
        this.excludeMethods = new HashSet<>(settings.excludeMethods());
        this.apiPath = settings.activityApiPath().orElse(null);
        this.apiPathPrefix = apiPath == null || apiPath.endsWith("/") ? apiPath : apiPath + "/";
        this.queryRedactor = new QueryRedactor(settings.secretQueryKeys());
    }

    private static List<PathPattern> compile(List<String> patterns) {
        List<PathPattern> out = new ArrayList<>();
        for (String p : patterns) {
            out.add(java.util.Objects.requireNonNull(PathPattern.compile(p), p));
        }
        return List.copyOf(out);
    }

    public long failures() {
        return failures.sum();
    }

    public void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Object seen = request.getAttribute(SEEN_ATTRIBUTE);
        if (seen != null) {
            passThrough(seen, request, response, chain);
            return;
        }
        @Nullable Capture capture = null;
        try {
            request.setAttribute(SEEN_ATTRIBUTE, Boolean.TRUE);
            if (isLogged(request)) {
                capture = start(request, response);
            }
        } catch (RuntimeException e) {
            failed("reading the request", e);
        }
        if (capture == null) {
            chain.doFilter(request, response);
            return;
        }
        String mdcKey = settings.mdcKey();
        @Nullable String previousMdc = mdcPut(mdcKey, capture.requestId);
        @Nullable Throwable thrown = null;
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            thrown = e;
            throw e;
        } finally {
            mdcRestore(mdcKey, previousMdc);
            try {
                if (thrown == null && request.isAsyncStarted()) {
                    CompletionListener listener = new CompletionListener(capture);
                    request.getAsyncContext().addListener(listener, request, response);
                    request.setAttribute(SEEN_ATTRIBUTE, listener);
                } else {
                    finish(capture, request, thrown != null ? 500 : response.getStatus(), thrown, false);
                }
            } catch (RuntimeException e) {
                failed("logging the request", e);
            }
        }
    }

    /**
     * A later dispatch of a request already seen. An async dispatch that throws is noted for the
     * pending log: not every container reports it to AsyncListener.onError (Jetty does not).
     */
    private static void passThrough(Object seen, HttpServletRequest request, HttpServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        if (!(seen instanceof CompletionListener listener)) {
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            listener.noteError(e);
            throw e;
        }
    }

    boolean isLogged(HttpServletRequest request) {
        String method = request.getMethod();
        if (!includeMethods.isEmpty() && !includeMethods.contains(method)) {
            return false;
        }
        if (excludeMethods.contains(method)) {
            return false;
        }
        String path = pathWithinApplication(request);
        if (apiPathPrefix != null && ("GET".equals(method) || "HEAD".equals(method))
                && (path.equals(apiPath) || path.startsWith(apiPathPrefix))) {
            return false;
        }
        PathPattern.RequestPath target = new PathPattern.RequestPath(path);
        for (PathPattern exclude : excludes) {
            if (exclude.matches(target)) {
                return false;
            }
        }
        for (PathPattern include : includes) {
            if (include.matches(target)) {
                return true;
            }
        }
        return false;
    }

    /** The decoded, normalised path the container mapped: what patterns are written against. */
    static String pathWithinApplication(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    /**
     * The URI without its path parameters ({@code /a;jsessionid=X/b} is {@code /a/b}): containers
     * that track sessions by URL put the session id there, and a session id is a credential.
     */
    static String withoutPathParameters(String uri) {
        if (uri.indexOf(';') < 0) {
            return uri;
        }
        StringBuilder path = new StringBuilder(uri.length());
        int i = 0;
        while (i < uri.length()) {
            char c = uri.charAt(i);
            if (c == ';') {
                int nextSegment = uri.indexOf('/', i);
                if (nextSegment < 0) {
                    break;
                }
                i = nextSegment;
            } else {
                path.append(c);
                i++;
            }
        }
        return path.toString();
    }

    private Capture start(HttpServletRequest request, HttpServletResponse response) {
        long startNanos = System.nanoTime();
        String requestId = RequestIds.orNew(request.getHeader(settings.requestIdHeader()));
        response.setHeader(settings.requestIdHeader(), requestId);
        request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);

        ClientAddresses.Client client = clientAddresses.resolve(request);
        @Nullable String ip = client.ip();
        boolean peerTrusted = client.peerTrusted();

        String uri = withoutPathParameters(request.getRequestURI());
        String query = request.getQueryString();
        String path = Texts.clean(query == null ? uri : uri + "?" + queryRedactor.redact(query), MAX_PATH_LENGTH);
        String method = Texts.clean(request.getMethod(), 32);
        Map<String, Object> deviceInfo = clientHints(request);
        Map<String, Object> locationInfo = peerTrusted ? cdnCountry(request) : Map.of();
        @Nullable String userAtStart = resolveUser(request);
        return new Capture(startNanos, requestId, ip, request.getHeader("User-Agent"), method, path,
                Texts.clean(uri, MAX_DESCRIPTION_PATH), deviceInfo, locationInfo, userAtStart);
    }

    private Map<String, Object> clientHints(HttpServletRequest request) {
        String ua = request.getHeader("Sec-CH-UA");
        String mobile = request.getHeader("Sec-CH-UA-Mobile");
        String platform = request.getHeader("Sec-CH-UA-Platform");
        if (ua == null && mobile == null && platform == null) {
            return Map.of();
        }
        ClientHintHeaders headers = new ClientHintHeaders(ua, mobile, platform);
        // Real hints are short; longer ones are made up, and a key holding them would keep them alive.
        return headers.fitCache() ? deviceInfoByClientHints.get(headers, RequestLogger::deviceInfo) : deviceInfo(headers);
    }

    /**
     * The device info of these client hints, as {@code Activity.Builder} checked it: a map the
     * builder copied is set again as it is, so each activity with these hints shares this one
     * instead of copying and measuring it again (a fifth of the filter's time before).
     */
    private static Map<String, Object> deviceInfo(ClientHintHeaders headers) {
        // The shape the core's device resolver reads (and prefers to the frozen User-Agent string).
        Map<String, Object> hints = new LinkedHashMap<>();
        putHint(hints, "sec_ch_ua", headers.ua());
        putHint(hints, "sec_ch_ua_mobile", headers.mobile());
        putHint(hints, "sec_ch_ua_platform", headers.platform());
        return Activity.builder("client-hints", "client_hints").deviceInfo(Map.of("client_hints", hints)).build()
                .deviceInfo();
    }

    /** The three client-hint headers as the browser sent them: what a cached device info is found by. */
    private record ClientHintHeaders(@Nullable String ua, @Nullable String mobile, @Nullable String platform) {
        boolean fitCache() {
            return fits(ua) && fits(mobile) && fits(platform);
        }

        private static boolean fits(@Nullable String hint) {
            return hint == null || hint.length() <= MAX_HINT_LENGTH;
        }
    }

    private static void putHint(Map<String, Object> hints, String key, @Nullable String value) {
        if (value != null) {
            hints.put(key, Texts.clean(value, MAX_HINT_LENGTH));
        }
    }

    private Map<String, Object> cdnCountry(HttpServletRequest request) {
        for (String header : settings.countryHeaders()) {
            String value = request.getHeader(header);
            if (value == null) {
                continue;
            }
            String code = value.trim().toUpperCase(Locale.ROOT);
            // Cloudflare's XX (unknown) and T1 (Tor) are not countries; Locale's list has neither.
            if (code.length() == 2 && COUNTRIES.contains(code)) {
                return Map.of("country_code", code, "source", "cdn_header");
            }
        }
        return Map.of();
    }

    private @Nullable String resolveUser(HttpServletRequest request) {
        try {
            Optional<String> user = settings.userResolver().resolve(request);
            return user == null ? null : user.orElse(null);
        } catch (RuntimeException e) {
            failed("the user resolver", e);
            return null;
        }
    }

    void finish(Capture capture, HttpServletRequest request, int status, @Nullable Throwable exception, boolean asyncTimeout) {
        long durationMillis = (System.nanoTime() - capture.startNanos) / 1_000_000;
        @Nullable String user = resolveUser(request);
        if (user == null) {
            user = capture.userAtStart != null ? capture.userAtStart : settings.anonymousUserId().orElse(null);
        }
        if (user == null) {
            return;
        }
        @Nullable String route = null;
        Object routeValue = request.getAttribute(settings.routeAttribute());
        if (routeValue instanceof String s && !s.isEmpty()) {
            route = Texts.clean(s, MAX_ROUTE_LENGTH);
        }
        @Nullable String sessionId = null;
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                sessionId = session.getId();
            } catch (IllegalStateException invalidated) {
                // Invalidated during the request (a logout): there is no session any more.
            }
        }
        Severity severity;
        try {
            severity = settings.severity().severity(request, status, exception);
            if (severity == null) {
                severity = SeverityFunction.DEFAULT.severity(request, status, exception);
            }
        } catch (RuntimeException e) {
            failed("the severity function", e);
            severity = SeverityFunction.DEFAULT.severity(request, status, exception);
        }
        String action = settings.action().apply(request);

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("method", capture.method);
        metadata.put("path", capture.path);
        if (route != null) {
            metadata.put("route", route);
        }
        metadata.put("status", status);
        metadata.put("duration_ms", durationMillis);
        if (exception != null) {
            metadata.put("exception", exception.getClass().getName());
        }
        if (asyncTimeout) {
            metadata.put("async_timeout", true);
        }
        String description = capture.method + " " + (route != null ? route : capture.descriptionPath) + " -> " + status;
        Activity.Builder activity = Activity.builder(user, action)
                .description(description)
                .severity(severity)
                .request(new RequestInfo(capture.ip, capture.userAgent, sessionId, capture.requestId))
                .metadata(metadata);
        if (!capture.deviceInfo.isEmpty()) {
            activity.deviceInfo(capture.deviceInfo);
        }
        if (!capture.locationInfo.isEmpty()) {
            activity.locationInfo(capture.locationInfo);
        }
        trail.log(activity.build());
    }

    void failed(String what, RuntimeException e) {
        failures.increment();
        rateLimitedLog.warn(what + ":" + e.getClass().getName(),
                "ActivityFilter: " + what + " failed; the request goes on unlogged or partly logged ("
                        + failures.sum() + " failures so far)", e);
    }

    private static @Nullable String mdcPut(String key, String value) {
        try {
            String previous = MDC.get(key);
            MDC.put(key, value);
            return previous;
        } catch (RuntimeException | LinkageError e) {
            return null; // no MDC binding: nothing to do
        }
    }

    private static void mdcRestore(String key, @Nullable String previous) {
        try {
            if (previous == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, previous);
            }
        } catch (RuntimeException | LinkageError e) {
            // no MDC binding
        }
    }

    /** What the start of a request told; read again only when it completes. */
    record Capture(long startNanos, String requestId, @Nullable String ip, @Nullable String userAgent, String method,
            String path, String descriptionPath, Map<String, Object> deviceInfo, Map<String, Object> locationInfo,
            @Nullable String userAtStart) {}

    /**
     * Logs an async request when it completes. The container calls onComplete after onTimeout and
     * onError too, with the final status then set, so those two only note what happened.
     */
    private final class CompletionListener implements AsyncListener {
        private final Capture capture;
        private final AtomicBoolean logged = new AtomicBoolean();
        private volatile @Nullable Throwable error;
        private volatile boolean timedOut;

        CompletionListener(Capture capture) {
            this.capture = capture;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (!logged.compareAndSet(false, true)) {
                return;
            }
            try {
                HttpServletRequest request = (HttpServletRequest) event.getSuppliedRequest();
                HttpServletResponse response = (HttpServletResponse) event.getSuppliedResponse();
                Throwable failure = error;
                int status = response.getStatus();
                if (failure != null && status < 400) {
                    status = 500;
                }
                finish(capture, request, status, failure, timedOut);
            } catch (RuntimeException e) {
                failed("logging the async request", e);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            timedOut = true;
        }

        @Override
        public void onError(AsyncEvent event) {
            Throwable t = event.getThrowable();
            if (t != null) {
                noteError(t);
            }
        }

        void noteError(Throwable t) {
            if (error == null) {
                error = t;
            }
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A new async cycle drops the listeners of the last one (Servlet spec 2.3.3.3).
            event.getAsyncContext().addListener(this, event.getSuppliedRequest(), event.getSuppliedResponse());
        }
    }
}
