package io.activitytrail.internal;

import io.activitytrail.PrivacyPolicy.LocationPrecision;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Cuts {@code location_info} down to the precision of the privacy policy. Allowlists, so that
 * what a custom resolver adds (a street, a district) is dropped below city precision too.
 * Stateless, thread-safe; returns the same map when nothing is dropped.
 */
public final class LocationGeneraliser {
    static final Set<String> COUNTRY_KEYS = Set.of("country_code", "country", "continent_code", "continent");
    static final Set<String> REGION_KEYS = Set.of("country_code", "country", "continent_code", "continent",
            "region", "region_code", "time_zone");

    private LocationGeneraliser() {}

    public static Map<String, Object> generalise(Map<String, Object> location, LocationPrecision precision) {
        if (precision == LocationPrecision.CITY || location.isEmpty()) {
            return location;
        }
        Set<String> kept = precision == LocationPrecision.COUNTRY ? COUNTRY_KEYS : REGION_KEYS;
        if (kept.containsAll(location.keySet())) {
            return location;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : location.entrySet()) {
            if (kept.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
