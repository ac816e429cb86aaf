package io.activitytrail;

import java.util.Map;

/**
 * Turns a {@code User-Agent} header into {@code device_info}. The default, when uap-java is on the
 * class path (the servlet module brings it), is {@link UapDeviceResolver}; set another with
 * {@link ActivityTrail.Builder#deviceResolver}.
 *
 * <p>Called on the writer thread ({@code activity-writer}), and on the caller's thread only for
 * {@link ActivityTrail#logNow} and synchronous writes; never on the overflow path, where device
 * info waits for the replay of the spool. Results are cached by the trail per user agent
 * ({@link ActivityTrail.Builder#deviceCacheSize}, default 10,000), so an implementation need not
 * cache, but it must be thread-safe. It may be slow the first time (loading rules) but should be
 * fast after that, since it delays the batch.
 * An exception it throws is counted ({@link MetricsListener#onEnrichmentFailed}) and the activity
 * is stored without device info.
 *
 * <p>User-Agent Client Hints ({@code Sec-CH-UA}, {@code Sec-CH-UA-Mobile},
 * {@code Sec-CH-UA-Platform}) that arrive with an activity (as {@code device_info} holding only
 * {@code client_hints}) are applied by the trail on top of what the resolver says: they win over
 * the frozen user agent string. The raw hints are not stored.
 *
 * <p>Keys: {@value #BROWSER}, {@value #BROWSER_VERSION} (major), {@value #OS},
 * {@value #OS_VERSION}, {@value #DEVICE_TYPE} (one of {@value #MOBILE}, {@value #TABLET},
 * {@value #DESKTOP}, {@value #BOT}, {@value #OTHER}) and {@value #DEVICE} (the device family, e.g.
 * {@code iPhone}); leave out what is unknown.
 */
@FunctionalInterface
public interface DeviceResolver {
    String BROWSER = "browser";
    String BROWSER_VERSION = "browser_version";
    String OS = "os";
    String OS_VERSION = "os_version";
    String DEVICE_TYPE = "device_type";
    String DEVICE = "device";

    String MOBILE = "mobile";
    String TABLET = "tablet";
    String DESKTOP = "desktop";
    String BOT = "bot";
    String OTHER = "other";

    /** Resolves nothing: only client hints, if any, fill {@code device_info}. */
    DeviceResolver NONE = userAgent -> Map.of();

    /**
     * The device of {@code userAgent} (never null nor empty; at most 512 characters, control
     * characters neutralised); an empty map when nothing is known.
     */
    Map<String, ?> resolve(String userAgent);
}
