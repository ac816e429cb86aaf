package io.activitytrail.servlet.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a query string but replaces the value of every parameter whose name looks like a secret
 * ({@code ?token=abc} becomes {@code ?token=***}). Names are compared by their letters and digits
 * only, lower-cased and percent-decoded, so {@code X-Api-Key}, {@code api_key}, {@code apiKey} and
 * {@code %74oken} are all caught. Immutable and thread-safe.
 */
public final class QueryRedactor {
    public static final String MASK = "***";

    private final String[] secretKeys;

    public QueryRedactor(List<String> secretKeys) {
        this.secretKeys = secretKeys.stream().map(QueryRedactor::compact).filter(k -> !k.isEmpty()).toArray(String[]::new);
    }

    /** {@code query} with the secret values masked; the same string when it names no secret (the usual case). */
    public String redact(String query) {
        @Nullable StringBuilder out = null; // made at the first secret
        int copied = 0; // query[0, copied) is in out
        int start = 0;
        // The next '=' at or after start, searched again only once passed: searching from each pair
        // to the end of the query made "a&a&a&..." quadratic.
        int eq = -1;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (eq < start) {
                eq = query.indexOf('=', start);
                if (eq < 0) {
                    eq = Integer.MAX_VALUE; // none left
                }
            }
            if (eq < end && isSecret(query, start, eq)) {
                if (out == null) {
                    out = new StringBuilder(query.length());
                }
                out.append(query, copied, eq + 1).append(MASK);
                copied = end;
            }
            start = end + 1;
        }
        return out == null ? query : out.append(query, copied, query.length()).toString();
    }

    /** Whether the parameter name {@code query[from, to)} holds a secret key, read as {@link #compact} reads it. */
    private boolean isSecret(String query, int from, int to) {
        StringBuilder name = compactDecoded(query, from, to);
        for (String key : secretKeys) {
            if (name.indexOf(key) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static String compact(String name) {
        return compactDecoded(name, 0, name.length()).toString();
    }

    /**
     * The letters and digits of {@code s[from, to)}, lower-cased, after percent-decoding (lenient:
     * a broken escape stays as it is; bytes become chars one to one, only ASCII matters here).
     */
    private static StringBuilder compactDecoded(String s, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    c = (char) (hi * 16 + lo);
                    i += 2;
                }
            }
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + 32));
            }
        }
        return out;
    }
}
