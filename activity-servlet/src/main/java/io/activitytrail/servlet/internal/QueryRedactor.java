package io.activitytrail.servlet.internal;

import java.util.List;
import java.util.Locale;

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

    public String redact(String query) {
        StringBuilder out = new StringBuilder(query.length());
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            String pair = query.substring(start, end);
            if (start > 0) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            if (eq >= 0 && isSecret(pair.substring(0, eq))) {
                out.append(pair, 0, eq + 1).append(MASK);
            } else {
                out.append(pair);
            }
            start = end + 1;
        }
        return out.toString();
    }

    boolean isSecret(String rawName) {
        String name = compact(percentDecode(rawName));
        for (String key : secretKeys) {
            if (name.contains(key)) {
                return true;
            }
        }
        return false;
    }

    private static String compact(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + 32));
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** Lenient: a broken escape stays as it is. Bytes become chars one to one; only ASCII matters here. */
    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.append((char) (hi * 16 + lo));
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
