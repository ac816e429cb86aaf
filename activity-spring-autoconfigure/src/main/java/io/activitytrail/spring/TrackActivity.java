package io.activitytrail.spring;

import io.activitytrail.Severity;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Logs a call of the annotated bean method in the signed-in user's history: on success with
 * {@link #severity()}, on an exception with severity ERROR and the exception's class in the
 * metadata (the exception is rethrown unchanged). The user comes from Spring Security's context,
 * its id from the {@link AuthenticationUserId} bean (as for requests); a call without a signed-in
 * user is not logged. Logging never breaks the call: an expression that fails is logged as a
 * warning and the activity goes without it. Nor is a call left unlogged for its size: a description over {@value io.activitytrail.Activity#MAX_DESCRIPTION_LENGTH}
 * characters is cut to that, ending with an ellipsis ({@code …}); metadata over
 * {@value io.activitytrail.Activity#MAX_JSON_BYTES} bytes as JSON is replaced by
 * {@code metadata_omitted} (why), {@code keys} (its keys) and, for a failed call, {@code exception}.
 *
 * <pre>{@code
 * @TrackActivity(action = "invoice_paid", description = "Paid invoice #{#invoiceId}",
 *         metadata = {"amount=#amount", "receipt=#result.number"})
 * public Receipt pay(long invoiceId, BigDecimal amount) { ... }
 * }</pre>
 *
 * Expressions are SpEL over the method's arguments (by name, {@code #invoiceId}, or as
 * {@code #p0}, {@code #a0}) and, after a successful call, {@code #result}; the description is a
 * template with {@code #{...}} parts. Needs parameter names in the class files ({@code -parameters},
 * which Spring Boot's build plugins set) for the by-name form.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TrackActivity {
    /** The action, e.g. {@code invoice_paid}. */
    String action();

    /** A template such as {@code "Paid invoice #{#invoiceId}"}; none when empty. */
    String description() default "";

    /** The severity of a successful call. */
    Severity severity() default Severity.INFO;

    /** {@code key=expression} pairs for the metadata. */
    String[] metadata() default {};
}
