package io.activitytrail.internal;

import io.activitytrail.InvalidActivityException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Deep copies of the JSON-like maps an activity carries (metadata, device and location info):
 * unmodifiable, made only of strings, numbers, booleans, nulls, lists and maps, and measured as
 * UTF-8 JSON while copying so the size limit costs no serialisation.
 */
public final class JsonValues {
    static final int MAX_DEPTH = 16;
    /**
     * Longest number, in characters of its plain decimal form (as PostgreSQL prints a jsonb
     * number): {@code 1E+20000} is short to write but comes back as 20,001 digits, which no JSON
     * reader with default limits takes.
     */
    public static final int MAX_NUMBER_LENGTH = 1_000;
    /** How deep a stored map may nest when read back: no write-time rule, only a guard against runaway input. */
    private static final int MAX_STORED_DEPTH = 256;

    private JsonValues() {}

    /**
     * Copies a map read back from a store, without the write-time rules (size, number length,
     * nesting up to {@value #MAX_DEPTH}): they held when it was written.
     */
    public static Map<String, Object> copyStored(@Nullable Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copyValue("stored value", map, new Counter(), 0, MAX_STORED_DEPTH);
        return copy;
    }

    /**
     * Copies {@code map} deeply into unmodifiable maps and lists of JSON values.
     *
     * A copy this method made is returned as it is (it is immutable and was checked): the writer
     * sets the same maps on an activity again, and shares one copy of the device info of a user
     * agent between all its activities.
     *
     * @throws InvalidActivityException naming {@code field} when the copy is larger than
     *     {@code maxBytes} as UTF-8 JSON, nested deeper than {@value #MAX_DEPTH} levels, or has a null key
     */
    public static Map<String, Object> copy(String field, @Nullable Map<String, ?> map, int maxBytes) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        if (map instanceof Checked checked && checked.bytes <= maxBytes) {
            return checked;
        }
        Measured measured = measure(field, map);
        if (measured.longestNumber() > MAX_NUMBER_LENGTH) {
            throw new InvalidActivityException(field, "must not hold a number of more than " + MAX_NUMBER_LENGTH
                    + " characters as a plain decimal, but one has " + measured.longestNumber());
        }
        if (measured.bytes() > maxBytes) {
            throw new InvalidActivityException(field, "must be at most " + maxBytes
                    + " bytes as JSON, but was " + measured.bytes());
        }
        return new Checked(measured.copy(), measured.bytes());
    }

    /** A deep, unmodifiable copy that passed the write-time rules, and its size as JSON. */
    private static final class Checked extends AbstractMap<String, Object> {
        private final Map<String, Object> copy;
        private final long bytes;

        Checked(Map<String, Object> copy, long bytes) {
            this.copy = copy;
            this.bytes = bytes;
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return copy.entrySet();
        }

        @Override
        public int size() {
            return copy.size();
        }

        @Override
        public @Nullable Object get(@Nullable Object key) {
            return copy.get(key);
        }

        @Override
        public boolean containsKey(@Nullable Object key) {
            return copy.containsKey(key);
        }
    }

    /**
     * The copy, its size in bytes as UTF-8 JSON with numbers in plain decimal form (as PostgreSQL
     * prints them back), and the length of its longest number in that form.
     */
    record Measured(Map<String, Object> copy, long bytes, long longestNumber) {}

    static Measured measure(String field, Map<String, ?> map) {
        Counter size = new Counter();
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copyValue(field, map, size, 0, MAX_DEPTH);
        return new Measured(copy, size.bytes, size.longestNumber);
    }

    private static final class Counter {
        long bytes;
        long longestNumber;

        void number(long length) {
            bytes += length;
            longestNumber = Math.max(longestNumber, length);
        }
    }

    /** Characters of {@code n} written out in full, without an exponent; computed, never printed. */
    static long plainLength(BigDecimal n) {
        long precision = n.precision();
        long scale = n.scale();
        long length;
        if (scale <= 0) {
            length = precision - scale; // digits, then zeros
        } else if (scale < precision) {
            length = precision + 1; // a point among the digits
        } else {
            length = scale + 2; // "0." and leading zeros
        }
        return length + (n.signum() < 0 ? 1 : 0);
    }

    private static long plainLength(BigInteger n) {
        if (n.bitLength() < 8_000) {
            return n.toString().length();
        }
        // Far past any limit: estimated from the bit length, so a huge value is never printed.
        return (long) (n.bitLength() * 0.30102999566398120) + (n.signum() < 0 ? 1 : 0);
    }

    private static @Nullable Object copyValue(String field, @Nullable Object value, Counter size, int depth, int maxDepth) {
        if (value == null) {
            size.bytes += 4;
            return null;
        }
        if (value instanceof String s) {
            size.bytes += quotedLength(s);
            return s;
        }
        if (value instanceof Boolean b) {
            size.bytes += b ? 4 : 5;
            return value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            size.number(decimalLength(((Number) value).longValue()));
            return value instanceof Short || value instanceof Byte ? ((Number) value).intValue() : value;
        }
        if (value instanceof BigInteger n) {
            size.number(plainLength(n));
            return n;
        }
        if (value instanceof BigDecimal n) {
            size.number(plainLength(n));
            return n;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                String s = String.valueOf(d); // JSON has no NaN or Infinity
                size.bytes += quotedLength(s);
                return s;
            }
            size.number(plainLength(new BigDecimal(value.toString())));
            return value;
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?> || value.getClass().isArray()) {
            // Only containers nest; a cycle (a map holding itself) ends here too.
            if (depth >= maxDepth) {
                throw new InvalidActivityException(field, "must not be nested deeper than " + maxDepth + " levels");
            }
        }
        if (value instanceof Map<?, ?> map && map.size() <= SmallMap.MAX_SIZE) {
            return copySmall(field, map, size, depth, maxDepth);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            size.bytes += 2 + Math.max(0, map.size() - 1);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(key(field, e, size), copyValue(field, e.getValue(), size, depth + 1, maxDepth));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof Collection<?> collection) {
            List<@Nullable Object> copy = new ArrayList<>(collection.size());
            size.bytes += 2 + Math.max(0, collection.size() - 1);
            for (Object element : collection) {
                copy.add(copyValue(field, element, size, depth + 1, maxDepth));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<@Nullable Object> copy = new ArrayList<>(length);
            size.bytes += 2 + Math.max(0, length - 1);
            for (int i = 0; i < length; i++) {
                copy.add(copyValue(field, Array.get(value, i), size, depth + 1, maxDepth));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Enum<?> e) {
            size.bytes += quotedLength(e.name());
            return e.name();
        }
        String s = value.toString();
        size.bytes += quotedLength(s);
        return s;
    }

    /** The entry's key as JSON has it (its {@code toString()}), counted with its colon. */
    private static String key(String field, Map.Entry<?, ?> entry, Counter size) {
        if (entry.getKey() == null) {
            throw new InvalidActivityException(field, "must not have a null key");
        }
        String key = entry.getKey().toString();
        size.bytes += quotedLength(key) + 1;
        return key;
    }

    /** Copies a map of a few entries into a {@link SmallMap}; a key met twice (two keys with one {@code toString()}) keeps the last value. */
    private static Map<String, Object> copySmall(String field, Map<?, ?> map, Counter size, int depth, int maxDepth) {
        String[] keys = new String[map.size()];
        @Nullable Object[] values = new Object[map.size()];
        int count = 0;
        size.bytes += 2 + Math.max(0, map.size() - 1);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = key(field, e, size);
            Object copy = copyValue(field, e.getValue(), size, depth + 1, maxDepth);
            int at = SmallMap.indexOf(keys, count, key);
            if (at >= 0) {
                values[at] = copy;
                continue;
            }
            if (count == keys.length) { // the map grew while being read
                keys = Arrays.copyOf(keys, count * 2 + 1);
                values = Arrays.copyOf(values, count * 2 + 1);
            }
            keys[count] = key;
            values[count++] = copy;
        }
        return new SmallMap(keys, values, count);
    }

    /**
     * An unmodifiable map of a few entries in insertion order, kept in two arrays and searched
     * by a scan: the maps of an activity are mostly a handful of entries, and a copy per activity
     * of a {@code LinkedHashMap} (a node per entry, hashing every key) was the largest part of
     * building one on the request thread.
     */
    static final class SmallMap extends AbstractMap<String, Object> {
        static final int MAX_SIZE = 8;
        private final String[] keys;
        private final @Nullable Object[] values;
        private final int size;

        SmallMap(String[] keys, @Nullable Object[] values, int size) {
            this.keys = keys;
            this.values = values;
            this.size = size;
        }

        static int indexOf(String[] keys, int count, Object key) {
            for (int i = 0; i < count; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean containsKey(@Nullable Object key) {
            return key != null && indexOf(keys, size, key) >= 0;
        }

        @Override
        public @Nullable Object get(@Nullable Object key) {
            int at = key == null ? -1 : indexOf(keys, size, key);
            return at < 0 ? null : values[at];
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Map.Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < size;
                        }

                        @Override
                        public Map.Entry<String, Object> next() {
                            if (next >= size) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }
            };
        }
    }

    /** Characters of {@code n} in decimal, its sign included; computed, never printed. */
    static int decimalLength(long n) {
        if (n == Long.MIN_VALUE) {
            return 20;
        }
        int length = n < 0 ? 2 : 1;
        for (long rest = Math.abs(n); rest >= 10; rest /= 10) {
            length++;
        }
        return length;
    }

    /** Length in bytes of {@code s} as a JSON string in UTF-8, quotes and escapes included. */
    static long quotedLength(String s) {
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                n += 1; // the usual case, tested first: printable ASCII
            } else if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                n += 2;
            } else if (c < 0x20) {
                n += 6;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 6; // a lone surrogate has no UTF-8 form; Jackson writes it as an escape
            } else {
                n += 3;
            }
        }
        return n;
    }
}
