package io.activitytrail.spring.internal;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.InvalidActivityException;
import io.activitytrail.Severity;
import io.activitytrail.spring.AuthenticationUserId;
import io.activitytrail.spring.TrackActivity;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.common.TemplateParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/** Logs calls of {@link TrackActivity} methods; expressions are parsed once per method. */
public final class TrackActivityInterceptor implements MethodInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(TrackActivityInterceptor.class);
    private static final SpelExpressionParser PARSER = new SpelExpressionParser();
    private static final TemplateParserContext TEMPLATE = new TemplateParserContext();
    private static final String ELLIPSIS = "\u2026";

    private final ObjectProvider<ActivityTrail> trail;
    private final ObjectProvider<AuthenticationUserId> userId;
    private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
    private final Map<Method, Parsed> parsed = new ConcurrentHashMap<>();

    private record Parsed(TrackActivity annotation, Expression description, Map<String, Expression> metadata) {}

    /** Both looked up at the first call: the advisor is made before the beans it needs. */
    public TrackActivityInterceptor(ObjectProvider<ActivityTrail> trail, ObjectProvider<AuthenticationUserId> userId) {
        this.trail = trail;
        this.userId = userId;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Optional<String> user = currentUser(invocation);
        if (user.isEmpty()) {
            return invocation.proceed();
        }
        Object result;
        try {
            result = invocation.proceed();
        } catch (Throwable failure) {
            log(invocation, user.get(), null, failure);
            throw failure;
        }
        log(invocation, user.get(), result, null);
        return result;
    }

    /** The signed-in user's id, as for requests; empty (the call is not logged) when nobody is, or the host's function fails. */
    private Optional<String> currentUser(MethodInvocation invocation) {
        try {
            return SecurityContextUserResolver.userId(userId.getIfAvailable(AuthenticationUserId::name),
                    SecurityContextUserResolver.current());
        } catch (RuntimeException e) {
            LOG.warn("@TrackActivity on {}: the AuthenticationUserId failed: {}", invocation.getMethod(), e.toString());
            return Optional.empty();
        }
    }

    private void log(MethodInvocation invocation, String userId, Object result, Throwable failure) {
        try {
            ActivityTrail target = trail.getIfAvailable();
            Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(),
                    invocation.getThis() == null ? invocation.getMethod().getDeclaringClass() : AopUtils.getTargetClass(invocation.getThis()));
            Parsed p = parsed.computeIfAbsent(method, TrackActivityInterceptor::parse);
            if (target == null || p == null) {
                return;
            }
            MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(null, method, invocation.getArguments(), names);
            if (failure == null) {
                context.setVariable("result", result);
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            p.metadata().forEach((key, expression) -> {
                Object value = evaluate(expression, context, method, key);
                if (value != null) {
                    metadata.put(key, value instanceof Number || value instanceof Boolean ? value : String.valueOf(value));
                }
            });
            if (failure != null) {
                metadata.put("exception", failure.getClass().getName());
            }
            Object description = p.description() == null ? null : evaluate(p.description(), context, method, "description");
            Activity.Builder activity = Activity.builder(userId, p.annotation().action())
                    .description(description == null ? null : fitted(String.valueOf(description)))
                    .severity(failure == null ? p.annotation().severity() : Severity.ERROR);
            try {
                activity.metadata(metadata);
            } catch (InvalidActivityException tooLarge) {
                // An audit event is never lost for its size: a small marker stands in for what was too big.
                activity.metadata(omitted(metadata, tooLarge, failure));
            }
            target.log(activity.build());
        } catch (RuntimeException e) {
            LOG.warn("@TrackActivity on {}: could not log the call: {}", invocation.getMethod(), e.toString());
        }
    }

    /** {@code description}, cut to the limit with an ellipsis when longer (never inside a surrogate pair). */
    static String fitted(String description) {
        if (description.length() <= Activity.MAX_DESCRIPTION_LENGTH) {
            return description;
        }
        int end = Activity.MAX_DESCRIPTION_LENGTH - 1;
        if (Character.isHighSurrogate(description.charAt(end - 1))) {
            end--;
        }
        return description.substring(0, end) + ELLIPSIS;
    }

    /** What is logged instead of metadata the activity refuses: why, which keys, and the exception of a failed call. */
    static Map<String, Object> omitted(Map<String, Object> metadata, InvalidActivityException why, Throwable failure) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("metadata_omitted", why.getMessage());
        marker.put("keys", List.copyOf(metadata.keySet()));
        if (failure != null) {
            marker.put("exception", failure.getClass().getName());
        }
        return marker;
    }

    private static Object evaluate(Expression expression, MethodBasedEvaluationContext context, Method method, String what) {
        try {
            return expression.getValue(context);
        } catch (RuntimeException e) {
            LOG.warn("@TrackActivity on {}: the {} expression failed: {}", method, what, e.toString());
            return null;
        }
    }

    private static Parsed parse(Method method) {
        TrackActivity annotation = AnnotatedElementUtils.findMergedAnnotation(method, TrackActivity.class);
        if (annotation == null) {
            return null;
        }
        Expression description = annotation.description().isEmpty() ? null : PARSER.parseExpression(annotation.description(), TEMPLATE);
        Map<String, Expression> metadata = new LinkedHashMap<>();
        for (String pair : annotation.metadata()) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@TrackActivity metadata must be key=expression, but was \"" + pair + "\" on " + method);
            }
            metadata.put(pair.substring(0, eq).trim(), PARSER.parseExpression(pair.substring(eq + 1).trim()));
        }
        return new Parsed(annotation, description, metadata);
    }
}
