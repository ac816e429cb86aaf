package io.activitytrail;

import java.util.Map;

/**
 * Turns an IP address into a location (country, city, ...) stored as {@code location_info}.
 * Called with the raw address, before the privacy policy masks it: on the writer thread, and on
 * the caller's thread for {@link ActivityTrail#logNow}, synchronous writes and an overflow to the
 * spool (and on the closing thread for what {@code close()} spools); may do I/O
 * but should be fast (a local GeoIP database, say) since it delays the batch. An exception it
 * throws is counted and the activity is stored without a location.
 */
@FunctionalInterface
public interface LocationResolver {

    /** A resolver that knows nothing. */
    LocationResolver NONE = ip -> Map.of();

    /** The location of {@code ipAddress}; an empty map when unknown. */
    Map<String, ?> resolve(String ipAddress);
}
