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
    private static final String[] NO_SEGMENTS = new String[0];

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
        return new PathPattern(pattern, null, segments(pattern));
    }

    public boolean matches(String path) {
        return matches(path, extension != null ? NO_SEGMENTS : segments(path));
    }

    /** Whether {@link #matches(String, String[])} reads the segments (an extension pattern does not). */
    public boolean needsSegments() {
        return extension == null;
    }

    /**
     * Whether {@code path} matches, given its {@link #segments(String) segments}: split once for
     * every pattern a request is checked against, since this runs on every request. The segments
     * may be null for a pattern that does not {@link #needsSegments() need them}.
     */
    public boolean matches(String path, String @Nullable [] pathSegments) {
        if (extension != null) {
            int lastSegment = path.length() - path.lastIndexOf('/') - 1;
            return lastSegment > extension.length()
                    && path.regionMatches(true, path.length() - extension.length(), extension, 0, extension.length());
        }
        return matchSegments(segments, 0, java.util.Objects.requireNonNull(pathSegments, "pathSegments"), 0);
    }

    /** The non-empty segments of {@code path}: {@code /a//b/} gives {@code [a, b]}. */
    public static String[] segments(String path) {
        int count = 0;
        for (int i = 0, n = path.length(); i < n; i++) {
            if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
                count++;
            }
        }
        String[] out = new String[count];
        int k = 0;
        int start = -1;
        for (int i = 0, n = path.length(); i <= n; i++) {
            boolean slash = i == n || path.charAt(i) == '/';
            if (slash && start >= 0) {
                out[k++] = path.substring(start, i);
                start = -1;
            } else if (!slash && start < 0) {
                start = i;
            }
        }
        return out;
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
