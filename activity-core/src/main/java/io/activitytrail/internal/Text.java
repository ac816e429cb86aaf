package io.activitytrail.internal;

import org.jspecify.annotations.Nullable;

/** String checks and clean-ups shared by validation, export and the stores. */
public final class Text {
    private static final int MAX_QUOTED_LENGTH = 40;

    private Text() {}

    /**
     * Replaces every character that could break a log line or a terminal (C0 and C1 controls, line
     * and paragraph separators, bidi overrides) by a space, and every lone surrogate by U+FFFD.
     * Returns the same instance when there is nothing to replace, so the common case allocates
     * nothing.
     */
    public static @Nullable String neutralise(@Nullable String s) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && !needsReplacing(s, i)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (isUnsafe(c)) {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether {@code s} holds a character that {@link #neutralise} would replace. */
    public static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (needsReplacing(s, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsReplacing(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return isUnsafe(c);
    }

    /**
     * C0 and C1 controls, line and paragraph separators, bidi controls (embeddings, overrides,
     * isolates, the marks U+200E, U+200F and U+061C) and invisible characters (U+200B to U+200D,
     * U+2060, U+FEFF), with which "admin" and an invisible character would pass for "admin".
     */
    private static boolean isUnsafe(char c) {
        return c < 0x20
                || (c >= 0x7F && c <= 0x9F)
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069')
                || (c >= '\u200B' && c <= '\u200F')
                || c == '\u061C' || c == '\u2060' || c == '\uFEFF';
    }

    public static @Nullable String truncate(@Nullable String s, int maxLength) {
        if (s == null || s.length() <= maxLength) {
            return s;
        }
        // Never cut a surrogate pair in half.
        int end = Character.isHighSurrogate(s.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
        return s.substring(0, end);
    }

    /** A value for an error message: quoted, cut short and neutralised, so messages stay safe to log. */
    public static String quoteForMessage(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        String s = neutralise(String.valueOf(value));
        if (s.length() > MAX_QUOTED_LENGTH) {
            s = truncate(s, MAX_QUOTED_LENGTH) + "...";
        }
        return "\"" + s + "\"";
    }

    /** Whether {@code s} is an IPv4 or IPv6 address literal. Never resolves a name. */
    public static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s, 0, s.length());
    }

    private static boolean isIpv4(String s, int from, int to) {
        int parts = 0;
        int i = from;
        while (i <= to) {
            int start = i;
            int value = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return false;
                }
            }
            if (i == start || value > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                return false;
            }
            parts++;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != '.') {
                return false;
            }
            i++;
        }
        return parts == 4;
    }

    private static boolean isIpv6(String s) {
        if (s.length() > 45) {
            return false;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups = 0;
        int i = 0;
        int n = s.length();
        if (s.startsWith("::")) {
            i = 2;
        } else if (s.startsWith(":")) {
            return false;
        }
        while (i < n) {
            int start = i;
            while (i < n && isAsciiHexDigit(s.charAt(i))) {
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // Embedded IPv4 in the last 32 bits, e.g. ::ffff:192.0.2.1
                if (!isIpv4(s, start, n)) {
                    return false;
                }
                groups += 2;
                i = n;
                break;
            }
            if (i == start || i - start > 4) {
                return false;
            }
            groups++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                i++;
            } else if (i == n) {
                return false;
            }
        }
        return doubleColon >= 0 ? groups < 8 : groups == 8;
    }

    // Not Character.digit: it also takes Arabic-Indic and full-width digits, which no database parses.
    private static boolean isAsciiHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
