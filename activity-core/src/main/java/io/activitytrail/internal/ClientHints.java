package io.activitytrail.internal;

import io.activitytrail.DeviceResolver;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * User-Agent Client Hints applied on top of what a {@link DeviceResolver} made of the (frozen)
 * user agent string. The filter passes the raw headers in {@code device_info}:
 * {@code {"client_hints": {"sec_ch_ua": ..., "sec_ch_ua_mobile": "?1", "sec_ch_ua_platform": "\"Android\""}}}
 * (only the keys it saw). Stateless, thread-safe; never throws on malformed hints (they are
 * ignored).
 */
final class ClientHints {
    static final String KEY = "client_hints";
    static final String SEC_CH_UA = "sec_ch_ua";
    static final String SEC_CH_UA_MOBILE = "sec_ch_ua_mobile";
    static final String SEC_CH_UA_PLATFORM = "sec_ch_ua_platform";
    private static final int MAX_BRAND_LENGTH = 64;

    private ClientHints() {}

    /** The raw hints in {@code deviceInfo}, or null when it holds none. */
    static @Nullable Map<?, ?> in(Map<String, Object> deviceInfo) {
        return deviceInfo.get(KEY) instanceof Map<?, ?> hints ? hints : null;
    }

    /** {@code resolved} with the hints applied (they win), without the raw hints. */
    static Map<String, Object> apply(Map<String, ?> resolved, Map<?, ?> hints) {
        Map<String, Object> out = new LinkedHashMap<>(resolved);
        out.remove(KEY);
        String[] brand = brand(text(hints.get(SEC_CH_UA)));
        if (brand != null) {
            out.put(DeviceResolver.BROWSER, brand[0]);
            if (brand[1].isEmpty()) {
                out.remove(DeviceResolver.BROWSER_VERSION);
            } else {
                out.put(DeviceResolver.BROWSER_VERSION, brand[1]);
            }
        }
        String platform = platform(text(hints.get(SEC_CH_UA_PLATFORM)));
        if (platform != null) {
            if (!platform.equals(out.get(DeviceResolver.OS))) {
                out.remove(DeviceResolver.OS_VERSION); // it was the version of another system
            }
            out.put(DeviceResolver.OS, platform);
        }
        String mobile = text(hints.get(SEC_CH_UA_MOBILE));
        if ("?1".equals(mobile)) {
            out.put(DeviceResolver.DEVICE_TYPE, DeviceResolver.MOBILE);
        } else if ("?0".equals(mobile)) {
            String os = String.valueOf(out.get(DeviceResolver.OS));
            if (os.equals("Android")) {
                out.put(DeviceResolver.DEVICE_TYPE, DeviceResolver.TABLET);
            } else if (os.equals("Windows") || os.equals("macOS") || os.equals("Linux") || os.equals("Chrome OS")) {
                out.put(DeviceResolver.DEVICE_TYPE, DeviceResolver.DESKTOP);
            }
        }
        out.putIfAbsent(DeviceResolver.DEVICE_TYPE, DeviceResolver.OTHER);
        return Collections.unmodifiableMap(out);
    }

    private static @Nullable String text(@Nullable Object value) {
        return value instanceof String s ? s.trim() : null;
    }

    /**
     * {brand, major version or ""} from a Sec-CH-UA list such as
     * {@code "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"}: the most specific
     * brand (not the Chromium engine when another brand is there), GREASE brands ignored.
     */
    static String @Nullable [] brand(@Nullable String header) {
        if (header == null || header.isEmpty() || header.length() > 1024) {
            return null;
        }
        String[] chromium = null;
        String[] best = null;
        int i = 0;
        int n = header.length();
        while (i < n) {
            int open = header.indexOf('"', i);
            if (open < 0) {
                break;
            }
            int close = header.indexOf('"', open + 1);
            if (close < 0) {
                break;
            }
            String brand = header.substring(open + 1, close).trim();
            int end = header.indexOf(',', close);
            if (end < 0) {
                end = n;
            }
            String version = version(header.substring(close + 1, end));
            i = end + 1;
            if (brand.isEmpty() || brand.length() > MAX_BRAND_LENGTH || isGrease(brand)) {
                continue;
            }
            String[] entry = {name(brand), version};
            if (brand.equals("Chromium")) {
                chromium = entry;
            } else if (best == null) {
                best = entry;
            }
        }
        return best != null ? best : chromium;
    }

    /** The major version in {@code ;v="124.0.6367.60"}, or "". */
    private static String version(String params) {
        int v = params.indexOf("v=");
        if (v < 0) {
            return "";
        }
        int start = v + 2;
        if (start < params.length() && params.charAt(start) == '"') {
            start++;
        }
        int end = start;
        while (end < params.length() && end - start < 6 && params.charAt(end) >= '0' && params.charAt(end) <= '9') {
            end++;
        }
        return params.substring(start, end);
    }

    /** GREASE brands ("Not A(Brand", "Not)A;Brand", "Not/A)Brand", ...) exist only to be ignored. */
    static boolean isGrease(String brand) {
        StringBuilder letters = new StringBuilder(brand.length());
        for (int i = 0; i < brand.length(); i++) {
            char c = brand.charAt(i);
            if (Character.isLetter(c)) {
                letters.append(Character.toLowerCase(c));
            }
        }
        return letters.toString().equals("notabrand");
    }

    private static String name(String brand) {
        return switch (brand) {
            case "Google Chrome" -> "Chrome";
            case "Microsoft Edge" -> "Edge";
            default -> brand;
        };
    }

    /** Sec-CH-UA-Platform ({@code "Android"}, quoted) as the OS name the resolver uses. */
    static @Nullable String platform(@Nullable String header) {
        if (header == null) {
            return null;
        }
        String p = header;
        if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
            p = p.substring(1, p.length() - 1).trim();
        }
        if (p.isEmpty() || p.length() > MAX_BRAND_LENGTH || p.equalsIgnoreCase("Unknown")) {
            return null;
        }
        return switch (p.toLowerCase(Locale.ROOT)) {
            case "macos", "mac os x" -> "macOS";
            case "windows" -> "Windows";
            case "android" -> "Android";
            case "linux" -> "Linux";
            case "chrome os", "chromeos" -> "Chrome OS";
            case "ios" -> "iOS";
            default -> p;
        };
    }
}
