package io.activitytrail;

import org.jspecify.annotations.Nullable;

/**
 * What is known of the HTTP request behind an activity. Every part may be absent.
 *
 * @param ipAddress the client's IP address as a literal (IPv4 or IPv6), not yet masked
 * @param userAgent the {@code User-Agent} header
 * @param sessionId the raw session id; stored only as a keyed hash
 * @param requestId the request id ({@code X-Request-Id}), at most 128 characters
 */
public record RequestInfo(
        @Nullable String ipAddress,
        @Nullable String userAgent,
        @Nullable String sessionId,
        @Nullable String requestId) {

    private static final RequestInfo EMPTY = new RequestInfo(null, null, null, null);

    /** A request of which nothing is known, e.g. for a background job. */
    public static RequestInfo empty() {
        return EMPTY;
    }
}
