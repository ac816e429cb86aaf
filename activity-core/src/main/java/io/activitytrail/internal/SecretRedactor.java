package io.activitytrail.internal;

import io.activitytrail.PrivacyPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Redacts secrets: values of secret-looking keys in JSON-like maps, at any depth, and bearer
 * tokens, JWTs and Luhn-valid card numbers in text. Immutable, thread-safe.
 *
 * <p>Cheap when there is nothing to redact, which is nearly always: keys are matched by a scan
 * without allocation, and the verdict on each key is remembered (up to {@value #MAX_REMEMBERED_KEYS} keys), text is first scanned for the few shapes a secret can have ({@code eyJ},
 * {@code bearer}, a run of 13 digits) and only then matched against the precompiled patterns,
 * and the same instance comes back when nothing changed.
 */
public final class SecretRedactor {
    static final String REDACTED = PrivacyPolicy.REDACTED;
    private static final int MIN_CARD_DIGITS = 13;
    private static final int MAX_CARD_DIGITS = 19;
    private static final int SHORT_KEY = 3;

    private static final Pattern JWT = Pattern.compile(
            "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile(
            "(?i)\\b(bearer)(\\s+)[A-Za-z0-9._~+/-]{8,}=*");
    /** Starts with 2 to 6, as the card networks' numbers do, so that epoch milliseconds (1...) are no cards. */
    private static final Pattern CARD = Pattern.compile(
            "(?<![0-9])[2-6](?:[ -]?[0-9]){" + (MIN_CARD_DIGITS - 1) + "," + (MAX_CARD_DIGITS - 1) + "}(?![0-9])");

    /** How many verdicts on keys are remembered; beyond it (keys made from data, say) keys are scanned each time. */
    static final int MAX_REMEMBERED_KEYS = 4_096;

    private final char[][] keys;
    private final boolean redactValues;
    /** Keys repeat from activity to activity (a few dozen names), so each is scanned once. */
    private final ConcurrentHashMap<String, Boolean> verdicts = new ConcurrentHashMap<>();

    public SecretRedactor(List<String> secretKeys, boolean redactValues) {
        List<char[]> normalised = new ArrayList<>(secretKeys.size());
        for (String key : secretKeys) {
            StringBuilder sb = new StringBuilder(key.length());
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (isAsciiLetterOrDigit(c)) {
                    sb.append(toLower(c));
                }
            }
            if (sb.length() > 0) {
                normalised.add(sb.toString().toCharArray());
            }
        }
        this.keys = normalised.toArray(new char[0][]);
        this.redactValues = redactValues;
    }

    static SecretRedactor of(PrivacyPolicy policy) {
        return new SecretRedactor(policy.secretKeys(), policy.redactSecretValues());
    }

    /** Whether values under {@code key} are secret. */
    public boolean isSecretKey(String key) {
        Boolean known = verdicts.get(key);
        if (known != null) {
            return known;
        }
        boolean secret = scan(key);
        if (verdicts.size() < MAX_REMEMBERED_KEYS) {
            verdicts.put(key, secret);
        }
        return secret;
    }

    private boolean scan(String key) {
        for (char[] secret : keys) {
            if (contains(key, secret, secret.length <= SHORT_KEY)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code s} with secret values redacted, or {@code s} itself when it holds none (or value
     * redaction is off).
     */
    public @Nullable String redactText(@Nullable String s) {
        if (s == null || !redactValues || s.length() < 8) {
            return s;
        }
        String out = s;
        if (s.contains("eyJ")) {
            out = JWT.matcher(out).replaceAll(REDACTED);
        }
        if (containsIgnoreCase(out, "bearer")) {
            out = BEARER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + REDACTED));
        }
        if (hasDigitRun(out)) {
            out = CARD.matcher(out).replaceAll(SecretRedactor::cardReplacement);
        }
        return out.equals(s) ? s : out;
    }

    private static String cardReplacement(MatchResult m) {
        return Matcher.quoteReplacement(luhn(m.group()) ? REDACTED : m.group());
    }

    /**
     * {@code map} with the values of secret keys replaced by {@value #REDACTED} and secret
     * values in its strings redacted, at any depth; {@code map} itself when nothing changed.
     */
    public Map<String, Object> redact(Map<String, Object> map) {
        if (map.isEmpty()) {
            return map;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) redactValue(map);
        return out;
    }

    private @Nullable Object redactValue(@Nullable Object value) {
        if (value instanceof String s) {
            return redactText(s);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> copy = null;
            int index = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object v = e.getValue();
                Object redacted = isSecretKey(key) ? REDACTED : redactValue(v);
                if (copy == null && !same(redacted, v)) {
                    copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
                    int k = 0;
                    for (Map.Entry<?, ?> before : map.entrySet()) {
                        if (k++ == index) {
                            break;
                        }
                        copy.put(String.valueOf(before.getKey()), before.getValue());
                    }
                }
                if (copy != null) {
                    copy.put(key, redacted);
                }
                index++;
            }
            return copy == null ? value : Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = null;
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                Object redacted = redactValue(v);
                if (copy == null && !same(redacted, v)) {
                    copy = new ArrayList<>(list.subList(0, i));
                }
                if (copy != null) {
                    copy.add(redacted);
                }
            }
            return copy == null ? value : Collections.unmodifiableList(copy);
        }
        return value;
    }

    private static boolean same(@Nullable Object a, @Nullable Object b) {
        return a == b || (a instanceof String && a.equals(b));
    }

    // ---- keys ----

    /**
     * Whether {@code key} holds {@code secret} (lower-case letters and digits), ignoring case and
     * the characters of {@code key} that are not ASCII letters or digits. A {@code whole} secret
     * must start and end at word boundaries of the key (separators, camelCase humps, letter/digit
     * changes) and not span two words.
     */
    static boolean contains(String key, char[] secret, boolean whole) {
        int n = key.length();
        for (int start = 0; start < n; start++) {
            if (!isAsciiLetterOrDigit(key.charAt(start)) || (whole && !wordStart(key, start))) {
                continue;
            }
            int i = start;
            int j = 0;
            while (j < secret.length && i < n) {
                char c = key.charAt(i);
                if (!isAsciiLetterOrDigit(c)) {
                    if (whole) {
                        break;
                    }
                    i++;
                    continue;
                }
                if (toLower(c) != secret[j] || (whole && j > 0 && wordStart(key, i))) {
                    break;
                }
                i++;
                j++;
            }
            if (j == secret.length && (!whole || i == n || !isAsciiLetterOrDigit(key.charAt(i)) || wordStart(key, i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wordStart(String key, int i) {
        if (i == 0) {
            return true;
        }
        char prev = key.charAt(i - 1);
        char c = key.charAt(i);
        if (!isAsciiLetterOrDigit(prev)) {
            return true;
        }
        if (isDigit(prev) != isDigit(c)) {
            return true;
        }
        return c >= 'A' && c <= 'Z' && prev >= 'a' && prev <= 'z';
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static char toLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    // ---- values ----

    /** {@code lowerNeedle} starts with an ASCII letter; the scan compares a region only where that letter stands. */
    private static boolean containsIgnoreCase(String s, String lowerNeedle) {
        char first = lowerNeedle.charAt(0);
        int last = s.length() - lowerNeedle.length();
        for (int i = 0; i <= last; i++) {
            if ((s.charAt(i) | 0x20) == first && s.regionMatches(true, i, lowerNeedle, 0, lowerNeedle.length())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s} has 13 digits in a row, single spaces or dashes between them allowed. */
    private static boolean hasDigitRun(String s) {
        int digits = 0;
        boolean separator = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isDigit(c)) {
                if (++digits >= MIN_CARD_DIGITS) {
                    return true;
                }
                separator = false;
            } else if ((c == ' ' || c == '-') && digits > 0 && !separator) {
                separator = true;
            } else {
                digits = 0;
                separator = false;
            }
        }
        return false;
    }

    /** The Luhn check over the digits of {@code candidate} (other characters are skipped). */
    static boolean luhn(String candidate) {
        int sum = 0;
        boolean doubled = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (!isDigit(c)) {
                continue;
            }
            int d = c - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>(keys.length);
        for (char[] k : keys) {
            names.add(new String(k));
        }
        return "SecretRedactor" + names;
    }
}
