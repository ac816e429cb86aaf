package io.activitytrail;

import io.activitytrail.internal.ActivityJson;
import java.util.Map;

/**
 * The JSON form of an activity's maps ({@link Activity#metadata()}, {@link Activity#deviceInfo()},
 * {@link Activity#locationInfo()}), for {@link ActivityStore} implementations: what
 * {@code JdbcActivityStore} writes to and reads from its {@code jsonb} columns, and what the disk
 * spool uses, so that every store reads numbers back by the same rules. Thread-safe.
 *
 * <p>Numbers: integers come back as Integer, Long or BigInteger by size; a decimal that a double
 * holds exactly as Double, any other (1e400, 40 significant digits) as an exact BigDecimal, never
 * as Infinity or rounded. Rebuild the activity with {@link Activity#storedBuilder}, which does not
 * apply write-time limits again.
 */
public final class JsonMaps {
    private JsonMaps() {}

    /** The map as a JSON object; characters outside the BMP as 4-byte UTF-8, not escaped surrogates. */
    public static String toJson(Map<String, ?> map) {
        return ActivityJson.toJson(map);
    }

    /**
     * Reads a JSON object back into an unmodifiable map of JSON values.
     *
     * @throws IllegalArgumentException when {@code json} is not a JSON object
     */
    public static Map<String, Object> fromJson(String json) {
        return ActivityJson.readMap(json);
    }
}
