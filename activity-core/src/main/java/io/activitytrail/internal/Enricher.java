package io.activitytrail.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.activitytrail.Activity;
import io.activitytrail.LocationResolver;
import io.activitytrail.MetricsListener;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The writer-side steps that make a captured activity ready to store: {@link #protect} (the raw
 * session id becomes a keyed hash; done before an activity touches the disk) and
 * {@link #describe} (device info from the user agent, location from the resolver). Thread-safe:
 * {@code logNow} and the overflow path run it on callers' threads too. Never throws: a failing
 * step is counted and skipped.
 */
final class Enricher {
    private static final RateLimitedLog LOG = new RateLimitedLog(LoggerFactory.getLogger(Enricher.class));

    private final SessionIdHasher hasher;
    private final LocationResolver locationResolver;
    private final MetricsListener listener;
    private final Cache<String, Map<String, Object>> devices = Caffeine.newBuilder().maximumSize(1_000).build();

    Enricher(SessionIdHasher hasher, LocationResolver locationResolver, MetricsListener listener) {
        this.hasher = hasher;
        this.locationResolver = locationResolver;
        this.listener = listener;
    }

    /** Both steps, with one rebuild of the activity. */
    Activity enrich(Activity activity) {
        String sessionId = activity.sessionId();
        if (sessionId == null) {
            return describe(activity);
        }
        return describe(activity, activity.toBuilder().sessionId(hash(sessionId)), true);
    }

    /** The session id replaced by its keyed hash. Not idempotent: apply once per activity. */
    Activity protect(Activity activity) {
        String sessionId = activity.sessionId();
        return sessionId == null ? activity : activity.toBuilder().sessionId(hash(sessionId)).build();
    }

    /** The keyed hash, or null when hashing fails: the raw id, a live credential, is never kept. */
    private @Nullable String hash(String rawSessionId) {
        try {
            return hasher.hash(rawSessionId);
        } catch (RuntimeException e) {
            failed("session id hashing", e);
            return null;
        }
    }

    /** Device info and location added where missing; safe to apply again. */
    Activity describe(Activity activity) {
        return describe(activity, null, false);
    }

    private Activity describe(Activity activity, Activity.@Nullable Builder started, boolean changed) {
        String userAgent = activity.userAgent();
        String ip = activity.ipAddress();
        boolean wantDevice = userAgent != null && activity.deviceInfo().isEmpty();
        boolean wantLocation = ip != null && activity.locationInfo().isEmpty() && locationResolver != LocationResolver.NONE;
        if (!wantDevice && !wantLocation && !changed) {
            return activity;
        }
        Activity.Builder builder = started != null ? started : activity.toBuilder();
        if (wantDevice) {
            try {
                builder.deviceInfo(devices.get(userAgent, UserAgentParser::parse));
            } catch (RuntimeException e) {
                failed("user agent parsing", e);
            }
        }
        if (wantLocation) {
            try {
                Map<String, ?> location = locationResolver.resolve(ip);
                if (location != null && !location.isEmpty()) {
                    builder.locationInfo(location);
                }
            } catch (RuntimeException | LinkageError e) {
                failed("LocationResolver.resolve", e);
            }
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            failed("enrichment", e);
            return changed ? protect(activity) : activity;
        }
    }

    private void failed(String step, Throwable e) {
        LOG.warn(step, step + " failed; the activity is stored without it", e);
        listener.onEnrichmentFailed(e);
    }
}
