package io.activitytrail.servlet;

/**
 * Decides whether one call of {@link ActivityApiServlet} may go ahead. The default limits each
 * application instance on its own (Bucket4j token buckets in a bounded Caffeine cache, sized by
 * {@link ApiSettings.Builder#readLimit} and its siblings); several instances behind a load balancer
 * then allow N times the limit in all. For one limit across the cluster, implement this over a
 * shared store (Bucket4j's {@code ProxyManager} for Redis or a database, say) and set it with
 * {@link ApiSettings.Builder#rateLimiter}.
 *
 * <p>Called on the request thread for every call, before the store is touched; it must be
 * thread-safe and quick. An exception it throws refuses the call (503) rather than letting it
 * through.
 */
@FunctionalInterface
public interface RateLimiter {

    /** Route groups, limited separately. */
    enum Group {
        /** Timelines, stats and {@code GET /me}. */
        READ,
        /** Exports. */
        EXPORT,
        /** {@code POST /log}. */
        LOG,
        /** Every call without a signed-in user, keyed by the client's IP address. */
        ANONYMOUS
    }

    /**
     * The outcome of one call and what to tell the client in the {@code RateLimit-*} headers.
     *
     * @param allowed whether the call may go ahead
     * @param limit calls allowed per window
     * @param remaining calls left in the window after this one
     * @param resetSeconds seconds until the window is full again
     * @param retryAfterSeconds when refused, seconds until a call may succeed ({@code Retry-After})
     */
    record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {}

    /**
     * Takes one call from the caller's allowance in {@code group}.
     *
     * @param key {@code "user:" + userId} for a signed-in caller, {@code "ip:" + address} for an
     *     anonymous one (the address as the API's client-address settings resolve it, never a
     *     header a client could pick)
     */
    Decision tryConsume(Group group, String key);
}
