package io.activitytrail.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small user-agent parser for {@code device_info}: browser and major version, operating system,
 * and device type ({@code mobile}, {@code tablet}, {@code desktop} or {@code bot}). It knows the
 * common families only; anything else is {@code Other}. Stateless, thread-safe.
 */
final class UserAgentParser {
    static final String BROWSER = "browser";
    static final String BROWSER_VERSION = "browser_version";
    static final String OS = "os";
    static final String DEVICE_TYPE = "device_type";

    private static final String[] BOT_MARKERS = {
        "bot", "crawl", "spider", "slurp", "curl/", "wget/", "python-requests", "python-urllib",
        "httpclient", "okhttp", "go-http-client", "java/", "headlesschrome", "facebookexternalhit",
        "preview", "monitor", "uptime",
    };

    private UserAgentParser() {}

    static Map<String, Object> parse(String userAgent) {
        String ua = userAgent.toLowerCase(Locale.ROOT);
        Map<String, Object> info = new LinkedHashMap<>();
        String[] browser = browser(ua);
        info.put(BROWSER, browser[0]);
        if (!browser[1].isEmpty()) {
            info.put(BROWSER_VERSION, browser[1]);
        }
        info.put(OS, os(ua));
        info.put(DEVICE_TYPE, deviceType(ua));
        return info;
    }

    private static String deviceType(String ua) {
        for (String marker : BOT_MARKERS) {
            if (ua.contains(marker)) {
                return "bot";
            }
        }
        if (ua.contains("ipad") || ua.contains("tablet") || ua.contains("kindle") || ua.contains("silk/")
                || ua.contains("playbook") || (ua.contains("android") && !ua.contains("mobile"))) {
            return "tablet";
        }
        if (ua.contains("mobi") || ua.contains("iphone") || ua.contains("ipod") || ua.contains("android")
                || ua.contains("windows phone") || ua.contains("blackberry") || ua.contains("opera mini")) {
            return "mobile";
        }
        return "desktop";
    }

    private static String os(String ua) {
        if (ua.contains("windows phone")) {
            return "Windows Phone";
        }
        if (ua.contains("windows")) {
            return "Windows";
        }
        if (ua.contains("iphone") || ua.contains("ipad") || ua.contains("ipod")) {
            return "iOS";
        }
        if (ua.contains("android")) {
            return "Android";
        }
        if (ua.contains("cros")) {
            return "Chrome OS";
        }
        if (ua.contains("mac os x") || ua.contains("macintosh")) {
            return "macOS";
        }
        if (ua.contains("linux") || ua.contains("x11")) {
            return "Linux";
        }
        return "Other";
    }

    /** {name, major version or ""}; order matters: Edge and Opera also say Chrome and Safari. */
    private static String[] browser(String ua) {
        String[][] families = {
            {"edg/", "Edge"}, {"edge/", "Edge"}, {"edga/", "Edge"}, {"edgios/", "Edge"},
            {"opr/", "Opera"}, {"opera/", "Opera"},
            {"samsungbrowser/", "Samsung Internet"},
            {"firefox/", "Firefox"}, {"fxios/", "Firefox"},
            {"crios/", "Chrome"}, {"chromium/", "Chromium"}, {"chrome/", "Chrome"},
            {"msie ", "Internet Explorer"}, {"trident/", "Internet Explorer"},
        };
        for (String[] family : families) {
            int at = ua.indexOf(family[0]);
            if (at >= 0) {
                String version = family[0].equals("trident/") ? "11" : major(ua, at + family[0].length());
                return new String[] {family[1], version};
            }
        }
        if (ua.contains("safari/") || (ua.contains("applewebkit") && (ua.contains("iphone") || ua.contains("ipad")))) {
            int at = ua.indexOf("version/");
            return new String[] {"Safari", at >= 0 ? major(ua, at + "version/".length()) : ""};
        }
        return new String[] {"Other", ""};
    }

    private static String major(String ua, int from) {
        int end = from;
        while (end < ua.length() && end - from < 6 && Character.isDigit(ua.charAt(end))) {
            end++;
        }
        return ua.substring(from, end);
    }
}
