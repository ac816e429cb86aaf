package io.activitytrail.servlet.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.ActivityTrail;
import io.activitytrail.ExportFormat;
import io.activitytrail.InvalidActivityException;
import io.activitytrail.PipelineHealth;
import io.activitytrail.Severity;
import io.activitytrail.servlet.AccessPolicy;
import io.activitytrail.servlet.AccessPolicy.Role;
import io.activitytrail.servlet.ApiSettings;
import io.activitytrail.servlet.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The routes of {@code ActivityApiServlet}. */
public final class JsonApi {
    private static final Logger LOG = LoggerFactory.getLogger(JsonApi.class);
    private static final int MAX_JSON_DEPTH = 32;
    private static final long MAX_DRAINED_BYTES = 2L * 1024 * 1024;
    private static final Set<String> LOG_FIELDS = Set.of("action", "description", "severity", "metadata");

    private final ActivityTrail trail;
    private final AccessPolicy policy;
    private final ApiSettings settings;
    private final RateLimiter limiter;
    private final ClientAddresses clientAddresses;
    private final ObjectMapper mapper;

    public JsonApi(ActivityTrail trail, AccessPolicy policy, ApiSettings settings) {
        this.trail = trail;
        this.policy = policy;
        this.settings = settings;
        this.limiter = settings.rateLimiter().orElseGet(() -> {
            Map<RateLimiter.Group, Integer> limits = new EnumMap<>(RateLimiter.Group.class);
            limits.put(RateLimiter.Group.READ, settings.readLimit());
            limits.put(RateLimiter.Group.EXPORT, settings.exportLimit());
            limits.put(RateLimiter.Group.LOG, settings.logLimit());
            limits.put(RateLimiter.Group.ANONYMOUS, settings.anonymousLimit());
            return new LocalRateLimiter(limits, settings.rateLimitWindow(), 100_000);
        });
        this.clientAddresses = new ClientAddresses(settings.clientAddress());
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    /** A refusal with its status and JSON error code; the message is safe to show. */
    static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final Map<String, String> headers = new LinkedHashMap<>();

        ApiError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        ApiError header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        try {
            route(request, response);
        } catch (ApiError e) {
            Map<String, String> headers = new LinkedHashMap<>(e.headers);
            if (hasBody(request) && !drained(request)) {
                // Closing with unread bytes in the socket makes the kernel reset the connection, and a
                // client still sending would lose this answer; past the drain budget there is no choice.
                headers.put("Connection", "close");
            }
            sendError(response, e.status, e.code, e.getMessage(), headers);
        } catch (ActivityStoreException e) {
            LOG.warn("activity API: the store failed: {}", e.toString());
            sendError(response, 503, "unavailable", "the activity store is unavailable, try again later", Map.of());
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("activity API: unexpected failure", e);
            sendError(response, 500, "internal_error", "internal error", Map.of());
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Reads and drops what is left of a refused body, up to a budget; true when all of it was read. */
    private boolean drained(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        // Enough for the bodies clients really send by mistake (a 1 MB upload), not an open tap.
        long budget = Math.max(4L * settings.maxBodyBytes(), MAX_DRAINED_BYTES);
        if (declared > budget) {
            return false;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                budget -= n;
                if (budget < 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws ApiError, IOException {
        String path = request.getPathInfo();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        String method = request.getMethod();
        // Reads too, not only state changes: a link or an image on another site must not make a
        // signed-in admin's browser read someone's activity (writing an audit row, spending the
        // limit). The API serves same-origin pages and clients that are not browsers.
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && site.trim().equalsIgnoreCase("cross-site")) {
            throw new ApiError(403, "forbidden", "cross-site requests are refused");
        }
        String[] parts = path.substring(1).split("/", -1);
        if (path.equals("/")) {
            allow(method, "GET");
            String caller = caller(request);
            timeline(request, response, caller, caller);
        } else if (path.equals("/stats")) {
            allow(method, "GET");
            String caller = caller(request);
            stats(request, response, caller, caller);
        } else if (path.equals("/export")) {
            allow(method, "GET");
            String caller = caller(request);
            export(request, response, caller, caller);
        } else if (path.equals("/log")) {
            allow(method, "POST");
            logClientEvent(request, response, caller(request));
        } else if (path.equals("/health")) {
            allow(method, "GET");
            health(request, response);
        } else if (path.equals("/me")) {
            allow(method, "GET");
            me(request, response, caller(request));
        } else if (parts[0].equals("users") && (parts.length == 2 || parts.length == 3) && !parts[1].isEmpty()) {
            String sub = parts.length == 3 ? parts[2] : null;
            if (sub == null) {
                allow(method, "GET", "DELETE");
            } else if (sub.equals("stats") || sub.equals("export")) {
                allow(method, "GET");
            } else {
                throw new ApiError(404, "not_found", "no such route");
            }
            String caller = caller(request);
            String target = targetUser(parts[1]);
            if (method.equals("DELETE")) {
                erase(request, response, caller, target);
                return;
            }
            authorizeRead(request, caller, target);
            if (sub == null) {
                timeline(request, response, caller, target);
            } else if (sub.equals("stats")) {
                stats(request, response, caller, target);
            } else {
                export(request, response, caller, target);
            }
        } else {
            throw new ApiError(404, "not_found", "no such route");
        }
    }

    private static void allow(String method, String... allowed) throws ApiError {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new ApiError(405, "method_not_allowed", "method " + quote(method) + " is not allowed here")
                .header("Allow", String.join(", ", allowed));
    }

    private String caller(HttpServletRequest request) throws ApiError {
        String user = optionalCaller(request);
        if (user == null) {
            limitAnonymous(request);
            throw new ApiError(401, "unauthorized", "sign in to use this API");
        }
        return user;
    }

    /** The signed-in user, or null; a resolver that fails counts as nobody signed in. */
    private @Nullable String optionalCaller(HttpServletRequest request) {
        Optional<String> user;
        try {
            user = settings.userResolver().resolve(request);
        } catch (RuntimeException e) {
            LOG.warn("activity API: the user resolver failed: {}", e.toString());
            return null;
        }
        return user == null || user.isEmpty() || user.get().isBlank() ? null : user.get();
    }

    /** Limits a caller without a user by the client's address; an unknown address shares one key. */
    private void limitAnonymous(HttpServletRequest request) throws ApiError {
        consume(RateLimiter.Group.ANONYMOUS, anonymousKey(clientAddresses.resolve(request).ip()), null);
    }

    /**
     * The rate-limit key of an address: IPv4 as it is, IPv6 by its /64, since one client usually
     * holds a whole /64 and would otherwise get as many keys as it likes.
     */
    static String anonymousKey(@Nullable String ip) {
        byte[] address = IpAddresses.parse(ip);
        if (address == null) {
            return "ip:unknown";
        }
        if (address.length == 16) {
            java.util.Arrays.fill(address, 8, 16, (byte) 0);
            return "ip:" + IpAddresses.format(address) + "/64";
        }
        return "ip:" + IpAddresses.format(address);
    }

    private static String targetUser(String userId) throws ApiError {
        try {
            return Activity.validateUserId(userId);
        } catch (IllegalArgumentException | InvalidActivityException e) {
            throw new ApiError(400, "bad_request", "invalid path parameter userId: " + e.getMessage());
        }
    }

    private void authorizeRead(HttpServletRequest request, String caller, String target) throws ApiError {
        if (caller.equals(target)) {
            return;
        }
        boolean allowed;
        try {
            allowed = policy.canRead(request, caller, target);
        } catch (RuntimeException e) {
            LOG.warn("activity API: the access policy failed, refusing: {}", e.toString());
            allowed = false;
        }
        if (!allowed) {
            throw new ApiError(403, "forbidden", "you may not read this user's activity");
        }
    }

    private Role role(HttpServletRequest request, String caller) {
        try {
            Role role = policy.role(request, caller);
            return role == null ? Role.USER : role;
        } catch (RuntimeException e) {
            LOG.warn("activity API: the access policy failed, showing the narrowest view: {}", e.toString());
            return Role.USER;
        }
    }

    private void limit(RateLimiter.Group group, String caller, HttpServletResponse response) throws ApiError {
        consume(group, "user:" + caller, response);
    }

    /** Takes a call from the allowance; the headers go on the answer, or on the 429 when refused. */
    private void consume(RateLimiter.Group group, String key, @Nullable HttpServletResponse response) throws ApiError {
        RateLimiter.Decision d;
        try {
            d = limiter.tryConsume(group, key);
        } catch (RuntimeException e) {
            LOG.warn("activity API: the rate limiter failed, refusing: {}", e.toString());
            throw new ApiError(503, "unavailable", "the service is unavailable, try again later");
        }
        if (d == null) {
            throw new ApiError(503, "unavailable", "the service is unavailable, try again later");
        }
        if (!d.allowed()) {
            throw new ApiError(429, "rate_limited", "too many requests, retry in " + d.retryAfterSeconds() + " s")
                    .header("Retry-After", Long.toString(d.retryAfterSeconds()))
                    .header("RateLimit-Limit", Long.toString(d.limit()))
                    .header("RateLimit-Remaining", "0")
                    .header("RateLimit-Reset", Long.toString(d.resetSeconds()));
        }
        if (response != null) {
            response.setHeader("RateLimit-Limit", Long.toString(d.limit()));
            response.setHeader("RateLimit-Remaining", Long.toString(d.remaining()));
            response.setHeader("RateLimit-Reset", Long.toString(d.resetSeconds()));
        }
    }

    private void audit(String caller, String target, String action, String what, @Nullable Long erased) {
        if (caller.equals(target)) {
            return;
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("target_user_id", target);
        metadata.put("view", what);
        if (erased != null) {
            metadata.put("erased", erased);
        }
        trail.log(Activity.builder(caller, action)
                .description(action.equals("admin.activity_erased") ? "Erased another user's activity" : "Viewed another user's activity")
                .severity(action.equals("admin.activity_erased") ? Severity.WARNING : Severity.INFO)
                .metadata(metadata).build());
    }

    // --- routes

    private void timeline(HttpServletRequest request, HttpServletResponse response, String caller, String target)
            throws ApiError, IOException {
        ActivityQuery query = timelineQuery(request, target);
        limit(RateLimiter.Group.READ, caller, response);
        ActivityPage page = trail.query(query);
        Role role = role(request, caller);
        List<Map<String, Object>> activities = new ArrayList<>();
        for (Activity a : page.activities()) {
            activities.add(toJson(a, role));
        }
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("limit", query.limit());
        if (page.pagination().isPresent()) {
            ActivityPage.Pagination p = page.pagination().get();
            pagination.put("page", p.page());
            pagination.put("total", p.total());
            pagination.put("total_pages", p.totalPages());
            pagination.put("total_capped", p.totalCapped());
        } else {
            pagination.put("next_cursor", page.nextCursor().orElse(null));
            pagination.put("has_more", page.nextCursor().isPresent());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", target);
        data.put("activities", activities);
        data.put("pagination", pagination);
        audit(caller, target, "admin.activity_viewed", "timeline", null);
        sendData(response, 200, data);
    }

    private ActivityQuery timelineQuery(HttpServletRequest request, String target) throws ApiError {
        ActivityQuery.Builder b = ActivityQuery.forUser(target);
        String[] actions = request.getParameterValues("action");
        if (actions != null) {
            apply("action", () -> b.actions(List.of(actions)));
        }
        String[] severities = request.getParameterValues("severity");
        if (severities != null) {
            apply("severity", () -> {
                Severity[] parsed = new Severity[severities.length];
                for (int i = 0; i < severities.length; i++) {
                    parsed[i] = Severity.fromValue(severities[i]);
                }
                b.severities(parsed);
            });
        }
        String from = single(request, "from");
        if (from != null) {
            Instant t = instant("from", from);
            apply("from", () -> b.from(t));
        }
        String to = single(request, "to");
        if (to != null) {
            Instant t = instant("to", to);
            apply("to", () -> b.to(t));
        }
        String q = single(request, "q");
        if (q != null) {
            apply("q", () -> b.text(q));
        }
        String limit = single(request, "limit");
        if (limit != null) {
            int n = integer("limit", limit, 1, ActivityQuery.MAX_LIMIT);
            b.limit(n);
        }
        String cursor = single(request, "cursor");
        String page = single(request, "page");
        if (cursor != null && page != null) {
            throw badParameter("cursor", "use either cursor or page, not both");
        }
        if (cursor != null) {
            apply("cursor", () -> b.after(cursor));
        }
        if (page != null) {
            int n = integer("page", page, 1, 1_000_000);
            b.page(n);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | InvalidActivityException e) {
            throw new ApiError(400, "bad_request", e.getMessage());
        }
    }

    private void stats(HttpServletRequest request, HttpServletResponse response, String caller, String target)
            throws ApiError, IOException {
        String days = single(request, "days");
        int n = days == null ? 30 : integer("days", days, 1, 3660);
        limit(RateLimiter.Group.READ, caller, response);
        ActivityStats s = trail.stats(target, Duration.ofDays(n));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", target);
        data.put("days", n);
        data.put("from", s.from().toString());
        data.put("to", s.to().toString());
        data.put("total", s.total());
        data.put("by_action", s.byAction());
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        s.bySeverity().forEach((k, v) -> bySeverity.put(k.value(), v));
        data.put("by_severity", bySeverity);
        Map<String, Long> perDay = new LinkedHashMap<>();
        s.perDay().forEach((k, v) -> perDay.put(k.toString(), v));
        data.put("per_day", perDay);
        data.put("last_login_at", s.lastLogin().map(Instant::toString).orElse(null));
        data.put("failed_logins", s.failedLogins());
        data.put("distinct_ips", s.distinctIps());
        data.put("distinct_devices", s.distinctDevices());
        audit(caller, target, "admin.activity_viewed", "stats", null);
        sendData(response, 200, data);
    }

    private void export(HttpServletRequest request, HttpServletResponse response, String caller, String target)
            throws ApiError, IOException {
        String format = single(request, "format");
        ExportFormat f;
        if (format == null || format.equalsIgnoreCase("ndjson")) {
            f = ExportFormat.NDJSON;
        } else if (format.equalsIgnoreCase("csv")) {
            f = ExportFormat.CSV;
        } else {
            throw badParameter("format", "must be ndjson or csv, but was " + quote(format));
        }
        limit(RateLimiter.Group.EXPORT, caller, response);
        // Users get all that is held about them (GDPR Art. 15 and 20); another reader, the fields of their role.
        Set<String> fields = caller.equals(target) ? Set.copyOf(Activity.FIELD_NAMES) : settings.fields(role(request, caller));
        audit(caller, target, "admin.activity_viewed", "export", null);
        response.setStatus(200);
        response.setContentType(f == ExportFormat.NDJSON ? "application/x-ndjson" : "text/csv");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"activity-export."
                + (f == ExportFormat.NDJSON ? "ndjson" : "csv") + "\"");
        trail.export(target, f, response.getOutputStream(), fields);
    }

    private void erase(HttpServletRequest request, HttpServletResponse response, String caller, String target)
            throws ApiError, IOException {
        checkStateChanging(request);
        boolean allowed;
        try {
            allowed = policy.canErase(request, caller, target);
        } catch (RuntimeException e) {
            LOG.warn("activity API: the access policy failed, refusing: {}", e.toString());
            allowed = false;
        }
        if (!allowed) {
            throw new ApiError(403, "forbidden", "you may not erase this user's activity");
        }
        // An administrator's own history holds the record of whose activity they read and erased:
        // erasing it through the API would wipe that record, so another administrator must.
        if (caller.equals(target)) {
            throw new ApiError(403, "forbidden", "your own history holds the record of your reads; another administrator must erase it");
        }
        // Erasure is as heavy as an export (a DELETE across partitions): it shares the export limit.
        limit(RateLimiter.Group.EXPORT, caller, response);
        long erased = trail.eraseUser(target);
        audit(caller, target, "admin.activity_erased", "erasure", erased);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", target);
        data.put("erased", erased);
        sendData(response, 200, data);
    }

    private void logClientEvent(HttpServletRequest request, HttpServletResponse response, String caller)
            throws ApiError, IOException {
        checkStateChanging(request);
        limit(RateLimiter.Group.LOG, caller, response);
        byte[] body = readBody(request);
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "bad_request", "the body is not valid JSON");
        } catch (IOException e) {
            throw new ApiError(400, "bad_request", "the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ApiError(400, "bad_request", "the body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!LOG_FIELDS.contains(name)) {
                throw badParameter(name, "is not accepted; send only action, description, severity and metadata");
            }
        }
        JsonNode actionNode = root.get("action");
        if (actionNode == null || !actionNode.isTextual()) {
            throw badParameter("action", "is required and must be a string");
        }
        String action = actionNode.asText();
        try {
            Activity.validateAction(action);
        } catch (IllegalArgumentException | InvalidActivityException e) {
            throw badParameter("action", e.getMessage());
        }
        boolean allowedAction;
        try {
            allowedAction = settings.logActionAllowed().test(action);
        } catch (RuntimeException e) {
            allowedAction = false;
        }
        if (!allowedAction) {
            throw badParameter("action", "is not an action clients may log: " + quote(action));
        }
        JsonNode descriptionNode = root.get("description");
        String description = null;
        if (descriptionNode != null && !descriptionNode.isNull()) {
            if (!descriptionNode.isTextual()) {
                throw badParameter("description", "must be a string");
            }
            description = descriptionNode.asText();
        }
        Severity severity = Severity.INFO;
        JsonNode severityNode = root.get("severity");
        if (severityNode != null && !severityNode.isNull()) {
            if (!severityNode.isTextual()) {
                throw badParameter("severity", "must be a string");
            }
            try {
                severity = Severity.fromValue(severityNode.asText());
            } catch (IllegalArgumentException | InvalidActivityException e) {
                throw badParameter("severity", e.getMessage());
            }
            if (severity.compareTo(Severity.WARNING) > 0) {
                throw badParameter("severity", "must be info or warning, but was " + severity.value());
            }
        }
        Map<String, Object> metadata = Map.of();
        JsonNode metadataNode = root.get("metadata");
        if (metadataNode != null && !metadataNode.isNull()) {
            if (!metadataNode.isObject()) {
                throw badParameter("metadata", "must be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = mapper.convertValue(metadataNode, Map.class);
            metadata = m;
        }
        Activity activity;
        try {
            activity = Activity.builder(caller, action)
                    .description(description)
                    .severity(severity)
                    .metadata(metadata)
                    .ipAddress(clientAddresses.resolve(request).ip())
                    .userAgent(Texts.clean(request.getHeader("User-Agent"), Activity.MAX_USER_AGENT_LENGTH))
                    .build();
        } catch (IllegalArgumentException | InvalidActivityException e) {
            throw new ApiError(400, "bad_request", e.getMessage());
        }
        trail.log(activity);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", activity.id().toString());
        data.put("action", action);
        sendData(response, 201, data);
    }

    /** Who the caller is and which view they get, so that a page can offer what the role allows. */
    private void me(HttpServletRequest request, HttpServletResponse response, String caller) throws ApiError, IOException {
        limit(RateLimiter.Group.READ, caller, response);
        Role role = role(request, caller);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", caller);
        data.put("role", role.name().toLowerCase(Locale.ROOT));
        sendData(response, 200, data);
    }

    /**
     * Four checks, each up or down: the database answers a ping within the health timeout, the
     * queue has room, the spool can take activities, and the pipeline is not stalled (the core's
     * verdict of DOWN). 200 when all four are up (a pipeline still replaying its spool is DEGRADED
     * but loses nothing), 503 otherwise. Failure messages are shown to admins only.
     */
    private void health(HttpServletRequest request, HttpServletResponse response) throws ApiError, IOException {
        boolean admin;
        if (settings.healthOpen()) {
            String caller = optionalCaller(request);
            if (caller == null) {
                limitAnonymous(request);
            }
            admin = caller != null && role(request, caller) == Role.ADMIN;
        } else {
            String caller = caller(request);
            if (role(request, caller) != Role.ADMIN) {
                throw new ApiError(403, "forbidden", "health is for administrators");
            }
            admin = true;
        }
        Map<String, Object> database = new LinkedHashMap<>();
        try {
            Duration took = trail.pingStore(settings.healthTimeout());
            database.put("status", "up");
            database.put("latency_ms", took.toMillis());
        } catch (ActivityStoreException e) {
            database.put("status", "down");
            if (admin) {
                database.put("error", e.getMessage());
            }
        }
        PipelineHealth h = trail.health();
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("status", h.queueDepth() < h.queueCapacity() ? "up" : "down");
        queue.put("depth", h.queueDepth());
        queue.put("capacity", h.queueCapacity());
        queue.put("dropped", h.dropped());
        Map<String, Object> spool = new LinkedHashMap<>();
        spool.put("status", h.spoolWritable() ? "up" : "down");
        spool.put("bytes", h.spoolBytes());
        spool.put("segments", h.spoolSegments());
        spool.put("writable", h.spoolWritable());
        Map<String, Object> recent = new LinkedHashMap<>();
        recent.put("status", h.status() == PipelineHealth.Status.DOWN ? "down" : "up");
        Instant lastWrite = h.lastSuccessfulWrite();
        recent.put("last_successful_write", lastWrite == null ? null : lastWrite.toString());
        recent.put("age_seconds", lastWrite == null ? null : Math.max(0, Duration.between(lastWrite, Instant.now()).toSeconds()));
        if (admin && h.lastError() != null) {
            recent.put("last_error", h.lastError());
        }
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", database);
        checks.put("queue", queue);
        checks.put("spool", spool);
        checks.put("recent_activity", recent);
        boolean allUp = checks.values().stream().allMatch(c -> "up".equals(((Map<?, ?>) c).get("status")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", allUp ? "up" : "down");
        data.put("pipeline", h.status().name().toLowerCase(Locale.ROOT));
        data.put("checks", checks);
        data.put("rejected", h.rejected());
        if (admin && h.storeProblem() != null) {
            data.put("store_problem", h.storeProblem());
        }
        sendData(response, allUp ? 200 : 503, data);
    }

    // --- CSRF and body

    /** Cross-site requests are refused for every route (see route); state changes also need the same Origin and JSON. */
    private void checkStateChanging(HttpServletRequest request) throws ApiError {
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request)) {
            throw new ApiError(403, "forbidden", "cross-origin requests are refused");
        }
        String type = request.getContentType();
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "send Content-Type: application/json");
        }
    }

    static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI uri = new URI(origin.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return false;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort();
            String ownScheme = request.getScheme().toLowerCase(Locale.ROOT);
            int ownPort = request.getServerPort() <= 0 ? defaultPort(ownScheme) : request.getServerPort();
            return scheme.equals(ownScheme) && uri.getHost().equalsIgnoreCase(request.getServerName()) && port == ownPort;
        } catch (Exception e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }

    private byte[] readBody(HttpServletRequest request) throws ApiError, IOException {
        int max = settings.maxBodyBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            throw tooLarge(max);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + n > max) {
                    throw tooLarge(max);
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "payload_too_large", "the body must be at most " + max + " bytes");
    }

    // --- parameters

    private interface Step {
        void run();
    }

    private static void apply(String parameter, Step step) throws ApiError {
        try {
            step.run();
        } catch (IllegalArgumentException | InvalidActivityException e) {
            throw badParameter(parameter, e.getMessage());
        }
    }

    private static ApiError badParameter(String parameter, @Nullable String message) {
        return new ApiError(400, "bad_request", "invalid parameter " + parameter + ": " + message);
    }

    private static @Nullable String single(HttpServletRequest request, String name) throws ApiError {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw badParameter(name, "must be given once");
        }
        return values[0];
    }

    private static int integer(String name, String value, int min, int max) throws ApiError {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw badParameter(name, "must be a whole number between " + min + " and " + max + ", but was " + quote(value));
        }
        if (n < min || n > max) {
            throw badParameter(name, "must be between " + min + " and " + max + ", but was " + n);
        }
        return n;
    }

    private static Instant instant(String name, String value) throws ApiError {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e2) {
                throw badParameter(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, but was " + quote(value));
            }
        }
    }

    /** A value quoted for a message, bounded, with control characters shown as '?'. */
    static String quote(@Nullable String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return b.append(value.length() > 64 ? "...\"" : "\"").toString();
    }

    // --- JSON

    private Map<String, Object> toJson(Activity a, Role role) {
        Set<String> shown = settings.fields(role);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id().toString());
        m.put("user_id", a.userId());
        m.put("action", a.action());
        m.put("description", a.description());
        m.put("severity", a.severity().value());
        m.put("ip_address", a.ipAddress());
        m.put("user_agent", a.userAgent());
        m.put("session_id", a.sessionId());
        m.put("request_id", a.requestId());
        m.put("device_info", a.deviceInfo());
        m.put("location_info", role == Role.USER ? settings.userLocationPrecision().generalise(a.locationInfo()) : a.locationInfo());
        m.put("metadata", a.metadata());
        m.put("created_at", a.createdAt().toString());
        m.keySet().retainAll(shown);
        return m;
    }

    private void sendData(HttpServletResponse response, int status, Map<String, Object> data) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        write(response, status, body);
    }

    private void sendError(HttpServletResponse response, int status, String code, @Nullable String message,
            Map<String, String> headers) throws IOException {
        if (response.isCommitted()) {
            // Part of a streamed export is out: only an aborted response (no final chunk) tells
            // the client that the file is incomplete, so let the container abort it.
            throw new IOException("the response failed after it was committed (" + code + ")");
        }
        // Drops what was set for the answer that failed: its buffered bytes, an export's file name.
        // Not reset(): that would also drop what the host and the filter set (X-Request-Id).
        response.resetBuffer();
        response.setHeader("Content-Disposition", null);
        headers.forEach(response::setHeader);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null ? code : message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", error);
        write(response, status, body);
    }

    private void write(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
