package io.activitytrail.servlet;

import static java.util.Objects.requireNonNull;

import io.activitytrail.ActivityTrail;
import io.activitytrail.servlet.internal.DashboardResources;
import io.activitytrail.servlet.internal.JsonApi;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON API of ActivityTrail, served by the host's container behind the host's authentication.
 * Map it at {@link ApiSettings#urlPattern()} (default {@code /api/profile/activity/*}); routes are
 * relative to that path:
 *
 * <ul>
 *   <li>{@code GET /}: the caller's own timeline ({@code action}, {@code severity} repeatable;
 *       {@code from}, {@code to} ISO-8601; {@code q}; {@code limit} 1 to 100, default 20;
 *       {@code cursor} or {@code page})</li>
 *   <li>{@code GET /stats?days=30}, {@code GET /export?format=ndjson|csv}, {@code POST /log},
 *       {@code GET /health}</li>
 *   <li>{@code GET /users/{userId}}, {@code /users/{userId}/stats}, {@code /users/{userId}/export}
 *       and {@code DELETE /users/{userId}}, as the {@link AccessPolicy} allows; every read or erasure
 *       of another user's activity is logged in the caller's own history</li>
 * </ul>
 *
 * <p>Bodies are {@code {"success": true, "data": {...}}} or
 * {@code {"success": false, "error": {"code": ..., "message": ...}}}.
 *
 * <p>Unless {@link ApiSettings.Builder#dashboardEnabled switched off}, the same servlet serves the
 * dashboard at {@code /dashboard}: an HTML page with its scripts and styles, from the jar, under a
 * strict Content-Security-Policy, that shows the caller's activity (and, for support and admin,
 * another user's) through the routes above. Thread-safe. Rate limits are
 * held per servlet instance, so each application instance limits separately.
 */
public class ActivityApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient JsonApi api;
    private final transient @Nullable DashboardResources dashboard;

    /** The API with {@link ApiSettings#defaults() default settings}. */
    public ActivityApiServlet(ActivityTrail trail, AccessPolicy accessPolicy) {
        this(trail, accessPolicy, ApiSettings.defaults());
    }

    /** The API with the given settings. */
    public ActivityApiServlet(ActivityTrail trail, AccessPolicy accessPolicy, ApiSettings settings) {
        requireNonNull(trail, "trail");
        requireNonNull(accessPolicy, "accessPolicy");
        requireNonNull(settings, "settings");
        this.api = new JsonApi(trail, accessPolicy, settings);
        this.dashboard = settings.dashboardEnabled() ? new DashboardResources(settings.dashboardCspReportUri()) : null;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (dashboard != null && DashboardResources.isDashboardPath(request.getPathInfo())) {
            dashboard.handle(request, response);
            return;
        }
        api.handle(request, response);
    }
}
