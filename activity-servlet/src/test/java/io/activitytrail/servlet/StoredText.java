package io.activitytrail.servlet;

import io.activitytrail.Activity;
import io.activitytrail.servlet.internal.Texts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every string an activity holds (values and keys, at any depth), for scans of what was stored. */
final class StoredText {
    private StoredText() {}

    static List<String> of(Activity a) {
        List<String> out = new ArrayList<>();
        add(out, a.userId());
        add(out, a.action());
        add(out, a.description());
        add(out, a.ipAddress());
        add(out, a.userAgent());
        add(out, a.sessionId());
        add(out, a.requestId());
        add(out, a.metadata());
        add(out, a.deviceInfo());
        add(out, a.locationInfo());
        return out;
    }

    private static void add(List<String> out, Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                out.add(String.valueOf(k));
                add(out, v);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(v -> add(out, v));
        } else if (value != null) {
            out.add(value.toString());
        }
    }

    /** Whether {@code s} holds a character that could forge a log line or reorder text on a screen. */
    static boolean hasRawControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Texts.isUnsafe(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
