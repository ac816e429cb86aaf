package io.activitytrail.servlet;

import static java.util.Objects.requireNonNull;

import io.activitytrail.ActivityTrail;
import io.activitytrail.servlet.internal.InitParameters;
import io.activitytrail.servlet.internal.RequestLogger;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Logs every HTTP request, once, when it completes: action {@code http_request}, a description
 * such as {@code GET /orders/{id} -> 200}, metadata {@code method}, {@code path} (query values of
 * secret-looking parameters replaced by {@code ***}), {@code route}, {@code status},
 * {@code duration_ms} and {@code exception}, the user, client IP, user agent, session id and
 * request id. What is logged and how the request is read is set by {@link FilterSettings}.
 *
 * <p>Register it either way:
 * <pre>{@code
 * // programmatically (a ServletContainerInitializer, a ServletContextListener, embedded Jetty/Tomcat)
 * FilterRegistration.Dynamic f = servletContext.addFilter("activity", new ActivityFilter(trail, settings));
 * f.setAsyncSupported(true);
 * f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
 * }</pre>
 * or by class name in {@code web.xml}: a host {@code ServletContextListener} puts the trail in the
 * servlet context attribute {@value #TRAIL_ATTRIBUTE} (and optionally base settings in
 * {@value #SETTINGS_ATTRIBUTE}), and init-params set the simple settings, with the same names as
 * the {@link FilterSettings.Builder} methods (lists comma-separated): {@code anonymousUserId},
 * {@code trustedProxies}, {@code forwardedForHeader}, {@code useForwardedHeader},
 * {@code requestIdHeader}, {@code mdcKey}, {@code routeAttribute}, {@code includePatterns},
 * {@code excludePatterns}, {@code addExcludePatterns}, {@code includeMethods},
 * {@code excludeMethods}, {@code activityApiPath} ({@code none} turns it off),
 * {@code countryHeaders}, {@code secretQueryKeys}.
 *
 * <p>When a request is logged:
 * <ul>
 *   <li>on return from the filter chain, or, for a request put in async mode, when the async
 *       cycle completes (after a timeout or an error too: {@code async_timeout} is then set in
 *       metadata, and an error's exception class);</li>
 *   <li>a request that ends in an exception is logged with status 500 and the exception class,
 *       and the exception is rethrown unchanged;</li>
 *   <li>once: later dispatches of the same request (FORWARD, INCLUDE, ERROR, ASYNC) pass through,
 *       whichever dispatcher types the filter is mapped to (a request attribute marks it);</li>
 *   <li>only when a user is known ({@link FilterSettings.Builder#userResolver}), unless
 *       {@link FilterSettings.Builder#anonymousUserId} is set.</li>
 * </ul>
 *
 * <p>While the filter chain runs, the request id (from {@code X-Request-Id} when it is 1 to 128
 * characters of {@code [A-Za-z0-9._:-]}, else a new UUID) is in the response header, in the
 * request attribute {@value #REQUEST_ID_ATTRIBUTE} and in the SLF4J MDC (key {@code requestId};
 * on the thread of the first dispatch only, removed afterwards). The session id is read with
 * {@code getSession(false)}: the filter never creates a session.
 *
 * <p>It never breaks a request: it reads no body, does no I/O, parses nothing but headers, and
 * catches its own failures (and those of the host's resolver and functions), counts them
 * ({@link #failures()}) and logs them at most once a minute.
 *
 * <p>Thread-safe: one instance serves all requests.
 */
public final class ActivityFilter implements Filter {
    /** Servlet context attribute holding the {@link ActivityTrail} for a filter registered by class name. */
    public static final String TRAIL_ATTRIBUTE = "io.activitytrail.ActivityTrail";
    /** Optional servlet context attribute holding base {@link FilterSettings} for a filter registered by class name. */
    public static final String SETTINGS_ATTRIBUTE = "io.activitytrail.servlet.FilterSettings";
    /** Request attribute holding the request id while the request runs. */
    public static final String REQUEST_ID_ATTRIBUTE = RequestLogger.REQUEST_ID_ATTRIBUTE;

    private volatile @Nullable RequestLogger logger;

    /** For registration by class name ({@code web.xml}): the trail is taken at {@link #init}. */
    public ActivityFilter() {}

    /** A filter with the {@linkplain FilterSettings#defaults() default settings}. */
    public ActivityFilter(ActivityTrail trail) {
        this(trail, FilterSettings.defaults());
    }

    /** A filter logging to {@code trail}, which it does not close (it is the host's). */
    public ActivityFilter(ActivityTrail trail, FilterSettings settings) {
        this.logger = new RequestLogger(requireNonNull(trail, "trail"), requireNonNull(settings, "settings"));
    }

    /**
     * Does nothing for a filter made with a trail. Otherwise takes the trail from the servlet
     * context attribute {@value #TRAIL_ATTRIBUTE}, base settings from {@value #SETTINGS_ATTRIBUTE}
     * (defaults when absent), and applies the init-params.
     *
     * @throws ServletException when the attribute holds no {@link ActivityTrail}, or an
     *     init-param has a bad value (the message names both)
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        if (logger != null) {
            return;
        }
        ServletContext context = config.getServletContext();
        Object trail = context.getAttribute(TRAIL_ATTRIBUTE);
        if (!(trail instanceof ActivityTrail activityTrail)) {
            throw new ServletException("ActivityFilter \"" + config.getFilterName() + "\" needs an ActivityTrail in the "
                    + "servlet context attribute \"" + TRAIL_ATTRIBUTE + "\", but "
                    + (trail == null ? "it is not set" : "it holds a " + trail.getClass().getName())
                    + ": set it from a ServletContextListener (contextInitialized runs before filters start), "
                    + "or register new ActivityFilter(trail, settings) programmatically");
        }
        Object base = context.getAttribute(SETTINGS_ATTRIBUTE);
        if (base != null && !(base instanceof FilterSettings)) {
            throw new ServletException("servlet context attribute \"" + SETTINGS_ATTRIBUTE
                    + "\" must hold FilterSettings, but holds a " + base.getClass().getName());
        }
        try {
            FilterSettings settings = InitParameters.apply(base == null ? FilterSettings.defaults() : (FilterSettings) base,
                    config::getInitParameter);
            logger = new RequestLogger(activityTrail, settings);
        } catch (IllegalArgumentException e) {
            throw new ServletException("ActivityFilter \"" + config.getFilterName() + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Logs the request as described above; rethrows, unchanged, whatever the chain throws.
     *
     * @throws IllegalStateException when the filter was made by class name and not initialised
     */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestLogger current = logger;
        if (current == null) {
            throw new IllegalStateException("ActivityFilter was not initialised: init(FilterConfig) has not run");
        }
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse) {
            current.doFilter(http, httpResponse, chain);
        } else {
            chain.doFilter(request, response);
        }
    }

    /**
     * How many times the filter's own work failed since it started (a resolver or function that
     * threw, an activity that could not be built); each such request went on, unlogged or partly
     * logged. 0 for a filter not yet initialised.
     */
    public long failures() {
        RequestLogger current = logger;
        return current == null ? 0 : current.failures();
    }

    @Override
    public String toString() {
        return "ActivityFilter";
    }
}
