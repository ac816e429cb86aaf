package io.activitytrail.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.activitytrail.Activity;
import io.activitytrail.DeviceResolver;
import io.activitytrail.LocationResolver;
import io.activitytrail.MetricsListener;
import io.activitytrail.PrivacyPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The writer-side steps that make a captured activity ready to store, in this order: location
 * from the raw IP ({@link LocationResolver}), device info from the user agent and client hints
 * ({@link DeviceResolver}), then the privacy policy (IP masked, secrets redacted, location
 * generalised) and the raw session id replaced by its keyed hash.
 *
 * <ul>
 *   <li>{@link #enrich}: all of it (writer thread, {@code logNow}).</li>
 *   <li>{@link #protect}: everything but device info, for activities that go to the disk before
 *       the writer sees them (overflow on the caller's thread, shutdown takeover). Location needs
 *       the raw IP, which masking removes, so it is resolved here; device info only needs the user
 *       agent and waits for the replay.</li>
 *   <li>{@link #describe}: device info for a protected activity (spool replay), and the policy
 *       once more (it is idempotent).</li>
 * </ul>
 *
 * Thread-safe. Never throws: a failing resolver is counted and skipped; if the privacy step
 * itself fails, the activity is kept with its IP, description and maps removed, never raw.
 */
final class Enricher {
    private static final RateLimitedLog LOG = new RateLimitedLog(LoggerFactory.getLogger(Enricher.class));

    private final SessionIdHasher hasher;
    private final PrivacyPolicy privacy;
    private final SecretRedactor redactor;
    private final DeviceResolver deviceResolver;
    private final LocationResolver locationResolver;
    private final MetricsListener listener;
    /**
     * Device info per user agent, as checked copies ({@link JsonValues#copy}) with the privacy
     * policy applied: a parse by uap-java takes about a millisecond, a hit some 70 ns and neither
     * copying nor redacting. Null when the cache size is 0.
     */
    private final @Nullable Cache<String, Map<String, Object>> devices;
    private final Function<String, Map<String, Object>> resolveDevice;

    Enricher(SessionIdHasher hasher, PrivacyPolicy privacy, DeviceResolver deviceResolver, int deviceCacheSize,
            LocationResolver locationResolver, MetricsListener listener) {
        this.hasher = hasher;
        this.privacy = privacy;
        this.redactor = SecretRedactor.of(privacy);
        this.deviceResolver = deviceResolver;
        // Maintenance (eviction, draining the read buffer) runs on the writer itself: handed to the
        // common pool, it woke a thread for every few reads and fought the writer for the cache's lock.
        this.devices = deviceCacheSize == 0 ? null
                : Caffeine.newBuilder().maximumSize(deviceCacheSize).executor(Runnable::run).build();
        // Throws (and so caches nothing) when the resolver fails or its answer breaks a limit.
        this.resolveDevice = userAgent -> {
            Map<String, Object> answer = JsonValues.copy("deviceInfo", deviceResolver.resolve(userAgent),
                    Activity.MAX_JSON_BYTES);
            Map<String, Object> redacted = redactor.redact(answer);
            return redacted == answer ? answer : JsonValues.copy("deviceInfo", redacted, Activity.MAX_JSON_BYTES);
        };
        this.locationResolver = locationResolver;
        this.listener = listener;
    }

    /** Every step. Not idempotent (the session id is hashed): apply once per activity. */
    Activity enrich(Activity activity) {
        return process(activity, true, true, true);
    }

    /** Location, privacy policy and session hash; no device info. Not idempotent: apply once. */
    Activity protect(Activity activity) {
        return process(activity, true, false, true);
    }

    /** Device info where missing, and the privacy policy again; safe to apply again. */
    Activity describe(Activity activity) {
        return process(activity, false, true, false);
    }

    private Activity process(Activity activity, boolean locate, boolean identify, boolean hash) {
        String ip = activity.ipAddress();
        Map<String, ?> location = activity.locationInfo();
        if (locate && ip != null && location.isEmpty() && locationResolver != LocationResolver.NONE) {
            location = locate(ip); // from the raw address: before masking
        }
        Device device = identify ? identify(activity.userAgent(), activity.deviceInfo())
                : new Device(activity.deviceInfo(), false);
        Map<String, Object> locationCopy = copy("locationInfo", location, activity.locationInfo());
        String sessionId = activity.sessionId();
        String hashed = hash && sessionId != null ? hash(sessionId) : sessionId;
        try {
            String maskedIp = ip == null || privacy.ipMasking() == PrivacyPolicy.IpMasking.FULL ? null : mask(ip);
            String description = redactor.redactText(activity.description());
            Map<String, Object> metadata = redactor.redact(activity.metadata());
            Map<String, Object> deviceInfo = device.redacted() ? device.info() : redactor.redact(device.info());
            Map<String, Object> locationInfo = redactor.redact(
                    LocationGeneraliser.generalise(locationCopy, privacy.locationPrecision()));
            if (Objects.equals(maskedIp, ip) && description == activity.description()
                    && metadata == activity.metadata() && deviceInfo == activity.deviceInfo()
                    && locationInfo == activity.locationInfo() && Objects.equals(hashed, sessionId)) {
                return activity;
            }
            return activity.toBuilder()
                    .ipAddress(maskedIp)
                    .description(Text.truncate(description, Activity.MAX_DESCRIPTION_LENGTH))
                    .metadata(metadata)
                    .deviceInfo(deviceInfo)
                    .locationInfo(locationInfo)
                    .sessionId(hashed)
                    .build();
        } catch (RuntimeException e) {
            failed("privacy policy", e);
            return failClosed(activity, hashed);
        }
    }

    /** What is left when the privacy step failed: nothing that step should have cleaned. */
    private Activity failClosed(Activity activity, @Nullable String hashedSessionId) {
        return activity.toBuilder().ipAddress(null).description(null).metadata(Map.of()).deviceInfo(Map.of())
                .locationInfo(Map.of()).sessionId(hashedSessionId).build();
    }

    private String mask(String ip) {
        String masked = privacy.maskIp(ip);
        if (masked == null) {
            throw new IllegalStateException("no masked address");
        }
        return masked;
    }

    private Map<String, ?> locate(String rawIp) {
        try {
            Map<String, ?> location = locationResolver.resolve(rawIp);
            return location == null ? Map.of() : location;
        } catch (RuntimeException | LinkageError e) {
            failed("LocationResolver.resolve", e);
            return Map.of();
        }
    }

    /**
     * Device info: resolved from the user agent when none is set, with client hints applied on
     * top; kept as the host set it otherwise. Returns {@code given} itself, or a checked copy.
     */
    private Device identify(@Nullable String userAgent, Map<String, Object> given) {
        Map<?, ?> hints = ClientHints.in(given);
        if (!given.isEmpty() && hints == null) {
            return new Device(given, false);
        }
        if (userAgent == null && hints == null) {
            return new Device(given, false);
        }
        Map<String, Object> resolved = Map.of();
        if (userAgent != null && deviceResolver != DeviceResolver.NONE) {
            try {
                Map<String, Object> cached = devices == null ? resolveDevice.apply(userAgent)
                        : devices.get(userAgent, resolveDevice);
                resolved = cached == null ? Map.of() : cached;
            } catch (RuntimeException | LinkageError e) {
                failed("DeviceResolver.resolve", e);
            }
        }
        if (hints == null) {
            return resolved.isEmpty() && given.isEmpty() ? new Device(given, false) : new Device(resolved, true);
        }
        try {
            Map<String, Object> merged = new LinkedHashMap<>(ClientHints.apply(resolved, hints));
            for (Map.Entry<String, Object> e : given.entrySet()) {
                if (!e.getKey().equals(ClientHints.KEY)) {
                    merged.putIfAbsent(e.getKey(), e.getValue());
                }
            }
            return new Device(copy("deviceInfo", merged, given), false);
        } catch (RuntimeException e) {
            failed("client hints", e);
            return new Device(resolved, true);
        }
    }

    /** Device info, and whether the privacy policy was applied to it already (in the cache). */
    private record Device(Map<String, Object> info, boolean redacted) {}

    /**
     * A resolver's answer as an activity value ({@code given} itself when nothing was resolved);
     * empty, and counted, when it breaks a limit.
     */
    private Map<String, Object> copy(String field, Map<String, ?> value, Map<String, Object> given) {
        if (value == given || (value.isEmpty() && given.isEmpty())) {
            return given;
        }
        try {
            return JsonValues.copy(field, value, Activity.MAX_JSON_BYTES);
        } catch (RuntimeException e) {
            failed(field, e);
            return Map.of();
        }
    }

    /** The stored form of a raw session id, for a query by session (throws when hashing fails). */
    String hashSessionId(String rawSessionId) {
        return hasher.hash(rawSessionId);
    }

    /** Only the session id hashed (for a listener told of a drop): nothing else of the pipeline runs. */
    Activity hashedSessionId(Activity activity) {
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

    private void failed(String step, Throwable e) {
        LOG.warn(step, step + " failed; the activity is stored without it", e);
        listener.onEnrichmentFailed(e);
    }
}
