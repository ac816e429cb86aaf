package io.activitytrail.servlet.internal;

import org.jspecify.annotations.Nullable;

/**
 * Clean-ups for values the client chooses (paths, header values) before they go into metadata,
 * which the core copies as they are: control characters (C0, C1, DEL), line and paragraph
 * separators and bidi controls become a space, lone surrogates U+FFFD; then the value is cut.
 */
public final class Texts {
    private Texts() {}

    public static @Nullable String clean(@Nullable String s, int maxLength) {
        if (s == null) {
            return null;
        }
        String cut = s.length() > maxLength ? s.substring(0, Character.isHighSurrogate(s.charAt(maxLength - 1)) ? maxLength - 1 : maxLength) : s;
        int i = 0;
        while (i < cut.length() && isSafe(cut, i)) {
            i++;
        }
        if (i == cut.length()) {
            return cut;
        }
        StringBuilder out = new StringBuilder(cut.length());
        out.append(cut, 0, i);
        for (; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < cut.length() && Character.isLowSurrogate(cut.charAt(i + 1))) {
                out.append(c).append(cut.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(isUnsafe(c) ? ' ' : c);
            }
        }
        return out.toString();
    }

    private static boolean isSafe(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return !isUnsafe(c);
    }

    /** The characters the core's validation neutralises in descriptions. */
    public static boolean isUnsafe(char c) {
        return c < 0x20
                || (c >= 0x7F && c <= 0x9F)
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
