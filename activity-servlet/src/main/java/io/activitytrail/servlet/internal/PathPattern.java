package io.activitytrail.servlet.internal;

import java.util.Arrays;
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
    /** Every segment is {@code **}: matches any path without reading it. */
    private final boolean matchesEverything;
    /** The first segment when it is plain text (no wildcard): a path whose first segment differs is rejected in place. */
    private final @Nullable String literalFirstSegment;

    private PathPattern(String pattern, @Nullable String extension, String[] segments) {
        this.pattern = pattern;
        this.extension = extension;
        this.segments = segments;
        this.matchesEverything = extension == null && segments.length > 0 && Arrays.stream(segments).allMatch("**"::equals);
        this.literalFirstSegment = segments.length > 0 && segments[0].indexOf('*') < 0 && segments[0].indexOf('?') < 0
                ? segments[0] : null;
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
        return matches(new RequestPath(path));
    }

    /**
     * Whether {@code path} matches. This runs for every pattern on every request, so the common
     * verdicts are reached without splitting the path: an extension compares the path's end in
     * place, {@code /**} matches at once, and a pattern whose first segment is plain text rejects
     * a path whose first segment differs; only what is left reads the path's segments, split once
     * for all the patterns.
     */
    public boolean matches(RequestPath path) {
        String p = path.path;
        if (extension != null) {
            int lastSegment = p.length() - path.lastSegmentStart;
            return lastSegment > extension.length()
                    && p.regionMatches(true, p.length() - extension.length(), extension, 0, extension.length());
        }
        if (matchesEverything) {
            return true;
        }
        if (literalFirstSegment != null && !path.firstSegmentIs(literalFirstSegment)) {
            return false;
        }
        return matchSegments(segments, 0, path.segments(), 0);
    }

    /** A request's path as the patterns read it; its segments are split on first need, once. */
    public static final class RequestPath {
        private final String path;
        private final int lastSegmentStart;
        private String @Nullable [] segments;

        public RequestPath(String path) {
            this.path = path;
            this.lastSegmentStart = path.lastIndexOf('/') + 1;
        }

        boolean firstSegmentIs(String segment) {
            int start = 0;
            while (start < path.length() && path.charAt(start) == '/') {
                start++;
            }
            int end = start + segment.length();
            return path.startsWith(segment, start) && (end == path.length() || path.charAt(end) == '/');
        }

        String[] segments() {
            String[] s = segments;
            if (s == null) {
                s = PathPattern.segments(path);
                segments = s;
            }
            return s;
        }
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
            // The star first: read as a literal it would match only a '*' in the path.
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
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
