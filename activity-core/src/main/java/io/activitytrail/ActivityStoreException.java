package io.activitytrail;

/**
 * A store could not do what was asked, for a reason that may pass (the database is down, a
 * connection was cut). The write pipeline retries a batch that failed with this exception.
 */
public class ActivityStoreException extends ActivityTrailException {
    private static final long serialVersionUID = 1L;

    public ActivityStoreException(String message) {
        super(message);
    }

    public ActivityStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
