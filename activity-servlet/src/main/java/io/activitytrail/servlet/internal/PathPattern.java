package io.activitytrail.servlet.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An Ant-style path pattern: {@code /webjars/**} ({@code **} is any number of segments, none
 * included), {@code /api/*}{@code /items} ({@code *} is any run of characters within a segment),
 * {@code ?} (one character), or an extension pattern {@code *.css} that matches the last segment of
 * any path (case-insensitively: {@code /A.CSS} is a style sheet too). Immutable and thread-safe.
 */
public final class PathPattern {
    private final String pattern;
    private final @Nullable String extension;
    private final String[] segments;

    private PathPattern(String pattern, @Nullable String extension, String[] segments) {
        this.pattern = pattern;
        this.extension = extension;
        this.segments = segments;
    }

    /** The pattern, or null when it starts with neither {@code /} nor {@code *.}. */
    public static @Nullable PathPattern compile(String pattern) {
        if (pattern.startsWith("*.") && pattern.indexOf('/') < 0 && pattern.length() > 2
                && pattern.indexOf('*', 1) < 0) {
            return new PathPattern(pattern, pattern.substring(1).toLowerCase(Locale.ROOT), new String[0]);
        }
        if (!pattern.startsWith("/") || hasControlCharacter(pattern)) {
            return null;
        }
        return new PathPattern(pattern, null, split(pattern));
    }

    public boolean matches(String path) {
        if (extension != null) {
            int lastSlash = path.lastIndexOf('/');
            String last = path.substring(lastSlash + 1);
            return last.length() > extension.length() && last.toLowerCase(Locale.ROOT).endsWith(extension);
        }
        return matchSegments(segments, 0, split(path), 0);
    }

    private static String[] split(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static boolean matchSegments(String[] pattern, int p, String[] path, int s) {
        while (p < pattern.length) {
            if (pattern[p].equals("**")) {
                // Collapse repeated ** and try every split point.
                while (p < pattern.length && pattern[p].equals("**")) {
                    p++;
                }
                if (p == pattern.length) {
                    return true;
                }
                for (int k = s; k <= path.length; k++) {
                    if (matchSegments(pattern, p, path, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (s == path.length || !matchSegment(pattern[p], path[s])) {
                return false;
            }
            p++;
            s++;
        }
        return s == path.length;
    }

    /** Glob match of one segment with * and ?, iterative (no backtracking blow-up). */
    static boolean matchSegment(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
