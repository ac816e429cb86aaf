package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.InvalidActivityException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class JsonValuesTest {

    /** Numbers in plain decimal form, as PostgreSQL prints jsonb numbers back: 1.0E300 is 301 digits. */
    private static final com.fasterxml.jackson.databind.ObjectMapper PLAIN_NUMBERS = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(Number.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<Number>(Number.class) {
                        @Override
                        public void serialize(Number n, com.fasterxml.jackson.core.JsonGenerator gen,
                                com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
                            gen.writeNumber(new java.math.BigDecimal(n.toString()));
                        }
                    }))
            .build();

    @Property(tries = 500)
    void shouldMeasureExactlyTheUtf8BytesOfTheJsonWithPlainNumbers(@ForAll("jsonMaps") Map<String, Object> map) throws IOException {
        JsonValues.Measured measured = JsonValues.measure("metadata", map);
        byte[] json = PLAIN_NUMBERS.writeValueAsBytes(measured.copy());

        assertThat(measured.bytes()).isEqualTo(json.length);
    }

    /** Regression: 60 values of 1.0E300 measured 420 bytes, and came back from jsonb as 18,471, over the limit for good. */
    @Example
    void shouldMeasureNumbersAsPostgresPrintsThemBack() {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            map.put("n" + i, 1.0E300);
        }

        assertThat(JsonValues.measure("metadata", map).bytes()).isGreaterThan(18_000);
        assertThatThrownBy(() -> JsonValues.copy("metadata", map, 16 * 1024))
                .hasMessageStartingWith("metadata must be at most 16384 bytes as JSON, but was ");
    }

    /** Regression: these were accepted, then tripped Jackson's number-length limit when read back. */
    @Example
    void shouldRefuseNumbersLongerThanAThousandCharactersInPlainForm() {
        assertThatThrownBy(() -> JsonValues.copy("metadata", Map.of("n", new java.math.BigDecimal("1E+20000")), Integer.MAX_VALUE))
                .hasMessage("metadata must not hold a number of more than 1000 characters as a plain decimal, but one has 20001");
        assertThatThrownBy(() -> JsonValues.copy("metadata", Map.of("n", new java.math.BigInteger("9".repeat(1_001))), Integer.MAX_VALUE))
                .hasMessage("metadata must not hold a number of more than 1000 characters as a plain decimal, but one has 1001");
        assertThat(JsonValues.copy("metadata", Map.of("n", new java.math.BigInteger("9".repeat(1_000))), Integer.MAX_VALUE)).hasSize(1);
    }

    @Property(tries = 200)
    void shouldCopyIntoUnmodifiableJsonValuesOnly(@ForAll("jsonMaps") Map<String, Object> map) {
        assertOnlyUnmodifiableJson(JsonValues.copy("metadata", map, Integer.MAX_VALUE));
    }

    @Example
    void shouldMeasureStringsAsQuotedEscapedUtf8() {
        assertThat(JsonValues.quotedLength("")).isEqualTo(2);
        assertThat(JsonValues.quotedLength("a")).isEqualTo(3);
        assertThat(JsonValues.quotedLength("\"")).isEqualTo(4);
        assertThat(JsonValues.quotedLength("\\")).isEqualTo(4);
        assertThat(JsonValues.quotedLength("\n\r\t\b\f")).isEqualTo(12);
        assertThat(JsonValues.quotedLength("\u0001")).isEqualTo(8);
        assertThat(JsonValues.quotedLength("\u007f")).isEqualTo(3);
        assertThat(JsonValues.quotedLength("\u00e9")).isEqualTo(4);
        assertThat(JsonValues.quotedLength("\u4e2d")).isEqualTo(5);
        assertThat(JsonValues.quotedLength("\uD83D\uDE00")).isEqualTo(6);
        // Lone surrogates have no UTF-8 form: Jackson escapes them as backslash-u and 4 hex digits.
        assertThat(JsonValues.quotedLength("\uD800")).isEqualTo(8);
        assertThat(JsonValues.quotedLength("\uDE00\uD83D")).isEqualTo(14);
    }

    @Example
    void shouldMeasureNestedStructures() {
        // {"a":[1,null,true],"b":{"c":"d"}}
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("a", java.util.Arrays.asList(1, null, true));
        map.put("b", Map.of("c", "d"));

        assertThat(JsonValues.measure("metadata", map).bytes()).isEqualTo("{\"a\":[1,null,true],\"b\":{\"c\":\"d\"}}".length());
    }

    @Example
    void shouldReturnAnEmptyMapForNullOrEmpty() {
        assertThat(JsonValues.copy("metadata", null, 10)).isEmpty();
        assertThat(JsonValues.copy("metadata", Map.of(), 10)).isEmpty();
    }

    @Example
    void shouldNameTheFieldInTheSizeMessage() {
        // {"k":"vv"} is 10 bytes.
        assertThatThrownBy(() -> JsonValues.copy("deviceInfo", Map.of("k", "vvv"), 10))
                .isInstanceOf(InvalidActivityException.class)
                .hasMessage("deviceInfo must be at most 10 bytes as JSON, but was 11");
        assertThat(JsonValues.copy("deviceInfo", Map.of("k", "vv"), 10)).containsEntry("k", "vv");
    }

    @Provide
    Arbitrary<Map<String, Object>> jsonMaps() {
        return maps(3);
    }

    private static Arbitrary<Map<String, Object>> maps(int depth) {
        return Arbitraries.maps(keys(), values(depth)).ofMaxSize(5);
    }

    private static Arbitrary<Object> values(int depth) {
        List<Arbitrary<?>> choices = new ArrayList<>(List.of(
                unicodeStrings(),
                unicodeStrings(),
                Arbitraries.integers(),
                Arbitraries.longs(),
                Arbitraries.shorts(),
                Arbitraries.bytes(),
                Arbitraries.doubles(),
                Arbitraries.floats(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0d, Double.MIN_VALUE,
                        Double.MAX_VALUE, 1e-7, 1e21, 0.1 + 0.2, Float.NaN, Float.MAX_VALUE),
                Arbitraries.bigDecimals(),
                Arbitraries.bigIntegers(),
                Arbitraries.of(true, false),
                Arbitraries.of(io.activitytrail.Severity.class),
                Arbitraries.integers().array(int[].class).ofMaxSize(4)));
        if (depth > 0) {
            choices.add(maps(depth - 1));
            choices.add(values(depth - 1).list().ofMaxSize(4));
            choices.add(values(depth - 1).array(Object[].class).ofMaxSize(3));
        }
        List<Arbitrary<Object>> objects = new ArrayList<>();
        for (Arbitrary<?> choice : choices) {
            objects.add(choice.map(o -> (Object) o));
        }
        return Arbitraries.oneOf(objects).injectNull(0.05);
    }

    /** Any code point: ASCII with controls, the rest of the BMP, lone surrogates, and beyond the BMP. */
    private static Arbitrary<String> unicodeStrings() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0, 0x7F)),
                Tuple.of(3, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xD800, 0xDFFF)),
                Tuple.of(2, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x1_0000, 0x10_FFFF)));
        return codePoints.list().ofMaxSize(12).map(JsonValuesTest::fromCodePoints);
    }

    private static Arbitrary<String> keys() {
        return unicodeStrings();
    }

    private static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder s = new StringBuilder();
        codePoints.forEach(s::appendCodePoint);
        return s.toString();
    }

    private static void assertOnlyUnmodifiableJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> writable = (Map<String, Object>) map;
            assertThatThrownBy(() -> writable.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
            map.forEach((k, v) -> {
                assertThat(k).isInstanceOf(String.class);
                if (v != null) {
                    assertOnlyUnmodifiableJson(v);
                }
            });
        } else if (value instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> writable = (List<Object>) list;
            assertThatThrownBy(() -> writable.add(1)).isInstanceOf(UnsupportedOperationException.class);
            list.forEach(v -> {
                if (v != null) {
                    assertOnlyUnmodifiableJson(v);
                }
            });
        } else {
            assertThat(value).isInstanceOfAny(String.class, Integer.class, Long.class, Double.class, Float.class,
                    java.math.BigDecimal.class, java.math.BigInteger.class, Boolean.class);
        }
    }

    @Example
    void shouldReturnItsOwnCheckedCopyAsItIsWithinTheLimit() {
        Map<String, Object> copy = JsonValues.copy("metadata", Map.of("route", "/orders/{id}", "status", 200), 16 * 1024);

        assertThat(JsonValues.copy("metadata", copy, 16 * 1024)).isSameAs(copy);
        assertThatThrownBy(() -> JsonValues.copy("metadata", copy, 10))
                .isInstanceOf(InvalidActivityException.class).hasMessageContaining("must be at most 10 bytes");
        assertThatThrownBy(() -> copy.put("other", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Small maps are copied into arrays, not a LinkedHashMap: they must still be maps in every way a reader uses. */
    @Example
    void shouldCopyASmallMapAsAnOrderedUnmodifiableMapEqualToTheOriginal() {
        Map<String, Object> original = new java.util.LinkedHashMap<>();
        original.put("method", "GET");
        original.put("path", "/orders/17");
        original.put("status", 200);
        original.put("gone", null);

        Map<String, Object> copy = JsonValues.copy("metadata", original, 16 * 1024);

        assertThat(copy).containsExactly(Map.entry("method", "GET"), Map.entry("path", "/orders/17"),
                Map.entry("status", 200), new java.util.AbstractMap.SimpleEntry<>("gone", null));
        assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(copy.get("path")).isEqualTo("/orders/17");
        assertThat(copy.get("absent")).isNull();
        assertThat(copy.get(null)).isNull();
        assertThat(copy.containsKey("gone")).isTrue();
        assertThat(copy.containsKey("absent")).isFalse();
        assertThatThrownBy(() -> copy.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue("POST"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.keySet().remove("method")).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Two keys with one {@code toString()} become one entry, the last value winning, as a LinkedHashMap copy did. */
    @Example
    void shouldKeepOneEntryForKeysThatPrintAlike() {
        Map<Object, Object> original = new java.util.LinkedHashMap<>();
        original.put(1, "number");
        original.put("x", "between");
        original.put("1", "text");

        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Object> copy = JsonValues.copy("metadata", (Map) original, 16 * 1024);

        assertThat(copy).containsExactly(Map.entry("1", "text"), Map.entry("x", "between"));
    }

    /** The digits of a whole number are counted, not printed: the count must be what printing gives. */
    @Property(tries = 2_000)
    void shouldCountTheDecimalDigitsOfAWholeNumberAsPrintingDoes(@ForAll long n) {
        assertThat(JsonValues.decimalLength(n)).isEqualTo(Long.toString(n).length());
    }

    @Example
    void shouldCountTheDecimalDigitsOfTheExtremes() {
        for (long n : new long[] {0, 9, 10, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE}) {
            assertThat(JsonValues.decimalLength(n)).as("%d", n).isEqualTo(Long.toString(n).length());
        }
    }
}
