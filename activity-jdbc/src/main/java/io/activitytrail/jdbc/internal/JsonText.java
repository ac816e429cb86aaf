package io.activitytrail.jdbc.internal;

import io.activitytrail.Activity;
import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds what the driver would silently corrupt rather than the server refuse: a lone surrogate in
 * a JSON string is not valid UTF-16, and the UTF-8 encoder would turn it into '?'. Such a row is
 * rejected with a reason instead of being stored changed. (A NUL is sent as the JSON escape
 * {@code \u0000}, which jsonb refuses; that case is left to the server.)
 */
final class JsonText {
    private JsonText() {}

    static @Nullable String problem(Activity a) {
        if (hasLoneSurrogate(a.metadata())) {
            return "metadata contains invalid UTF-16 (a lone surrogate)";
        }
        if (hasLoneSurrogate(a.deviceInfo())) {
            return "deviceInfo contains invalid UTF-16 (a lone surrogate)";
        }
        if (hasLoneSurrogate(a.locationInfo())) {
            return "locationInfo contains invalid UTF-16 (a lone surrogate)";
        }
        return null;
    }

    private static boolean hasLoneSurrogate(@Nullable Object value) {
        if (value instanceof String s) {
            return hasLoneSurrogate(s);
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (hasLoneSurrogate(e.getKey()) || hasLoneSurrogate(e.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> list) {
            for (Object element : list) {
                if (hasLoneSurrogate(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
