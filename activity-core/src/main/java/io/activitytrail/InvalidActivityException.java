package io.activitytrail;

/**
 * An activity (or a value meant for one) breaks a validation rule. The message names the field and
 * what is wrong with the value; {@link #field()} names the field alone, e.g. for an HTTP 400 body.
 */
public class InvalidActivityException extends ActivityTrailException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidActivityException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    /** The name of the offending field, e.g. {@code action}. */
    public String field() {
        return field;
    }
}
