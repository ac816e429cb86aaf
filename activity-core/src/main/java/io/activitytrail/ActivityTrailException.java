package io.activitytrail;

/** The root of every exception that ActivityTrail throws. Unchecked. */
public class ActivityTrailException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ActivityTrailException(String message) {
        super(message);
    }

    public ActivityTrailException(String message, Throwable cause) {
        super(message, cause);
    }
}
