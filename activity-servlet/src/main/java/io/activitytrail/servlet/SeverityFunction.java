package io.activitytrail.servlet;

import io.activitytrail.Severity;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the severity of a logged request. Called once per logged request when it completes, on
 * the thread that completes it (the request thread, or a container thread for async requests);
 * must be cheap, must not block, and must be thread-safe. If it throws, the request is still
 * logged, with the {@linkplain #DEFAULT default} severity, and the failure is counted.
 */
@FunctionalInterface
public interface SeverityFunction {

    /** 5xx (and any request that ended in an exception): ERROR; 401, 403, 429: WARNING; else INFO. */
    SeverityFunction DEFAULT = (request, status, exception) -> {
        if (exception != null || status >= 500) {
            return Severity.ERROR;
        }
        if (status == 401 || status == 403 || status == 429) {
            return Severity.WARNING;
        }
        return Severity.INFO;
    };

    /**
     * @param request the request, still readable
     * @param status the response status (500 when the request ended in an exception)
     * @param exception what the request ended in, or null
     */
    Severity severity(HttpServletRequest request, int status, @Nullable Throwable exception);
}
