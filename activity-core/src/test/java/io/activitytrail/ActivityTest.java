package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.activitytrail.internal.UuidV7;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivityTest {

    private static Activity.Builder valid() {
        return Activity.builder("user-42", "invoice_paid");
    }

    private static InvalidActivityException invalid(Activity.Builder builder) {
        InvalidActivityException e = catchThrowableOfType(InvalidActivityException.class, builder::build);
        assertThat(e).as("build() throws InvalidActivityException").isNotNull();
        return e;
    }

    // ---------------------------------------------------------------- userId

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\t", "\n"})
    void shouldRejectABlankUserId(String userId) {
        InvalidActivityException e = invalid(Activity.builder(userId, "login"));

        assertThat(e).hasMessage("userId must not be blank");
        assertThat(e.field()).isEqualTo("userId");
    }

    @Test
    void shouldRejectANullUserId() {
        assertThat(invalid(Activity.builder(null, "login"))).hasMessage("userId must not be blank");
    }

    @Test
    void shouldRejectAUserIdLongerThan128Characters() {
        assertThat(invalid(Activity.builder("u".repeat(129), "login")))
                .hasMessage("userId must be at most 128 characters, but was 129");
        assertThat(Activity.builder("u".repeat(128), "login").build().userId()).hasSize(128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user\n42", "user\r42", "user\u000042", "user\u001b[31m", "user\u0085", "user\u2028",
            "user\u202e24", "user\uD800"})
    void shouldRejectAUserIdWithControlCharacters(String userId) {
        InvalidActivityException e = invalid(Activity.builder(userId, "login"));

        assertThat(e).hasMessage("userId must not contain control characters");
        assertThat(e.field()).isEqualTo("userId");
    }

    @Test
    void shouldAcceptAnyOtherUserId() {
        for (String userId : List.of("42", "7f1c0f4e-8d5b-4e6a-9a0b-2f3c4d5e6f70", "alice@example.com", "Ünïcødé \uD83D\uDE00")) {
            assertThat(Activity.builder(userId, "login").build().userId()).isEqualTo(userId);
        }
    }

    // ---------------------------------------------------------------- action

    @Test
    void shouldAcceptExactlyTheActionsThePatternMatches() {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("[a-z0-9_.:-]{1,100}");
        java.util.Random random = new java.util.Random(12);
        String alphabet = "az09_.:-AZ /é\n\u0000\u00e0`{";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder action = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 110 : 8);
            for (int i = 0; i < length; i++) {
                action.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = action.toString();
            boolean valid = pattern.matcher(candidate).matches();
            if (valid) {
                assertThat(Activity.validateAction(candidate)).isEqualTo(candidate);
            } else {
                assertThatThrownBy(() -> Activity.validateAction(candidate)).isInstanceOf(InvalidActivityException.class);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Login", "LOGIN", "log in", "login ", "", "login!", "caf\u00e9", "a/b", "a\nb"})
    void shouldRejectAnActionOutsideTheAllowedCharacters(String action) {
        InvalidActivityException e = invalid(Activity.builder("u", action));

        assertThat(e).hasMessage("action must match [a-z0-9_.:-]{1,100}, but was \"" + action.replace('\n', ' ') + "\"");
        assertThat(e.field()).isEqualTo("action");
    }

    @Test
    void shouldRejectAnActionOf101CharactersAndQuoteItShortened() {
        String action = "a".repeat(101);

        assertThat(invalid(Activity.builder("u", action)))
                .hasMessage("action must match [a-z0-9_.:-]{1,100}, but was \"" + "a".repeat(40) + "...\"");
    }

    @Test
    void shouldRejectANullAction() {
        assertThat(invalid(Activity.builder("u", null))).hasMessage("action must match [a-z0-9_.:-]{1,100}, but was null");
    }

    @Test
    void shouldAcceptActionsOfLowerCaseLettersDigitsAndSeparators() {
        for (String action : List.of("login", "a", "x".repeat(100), "invoice.paid", "auth:mfa-enabled", "v2_event.9")) {
            assertThat(Activity.builder("u", action).build().action()).isEqualTo(action);
        }
    }

    // ---------------------------------------------------------------- description

    @Test
    void shouldRejectADescriptionLongerThan1000Characters() {
        assertThat(invalid(valid().description("d".repeat(1001))))
                .hasMessage("description must be at most 1000 characters, but was 1001");
        assertThat(valid().description("d".repeat(1000)).build().description()).hasSize(1000);
    }

    @Test
    void shouldReplaceControlCharactersOfTheDescriptionBySpaces() {
        Activity activity = valid()
                .description("a\rb\nc\u0000d\u001be\u0085f\u2028g\u2029h\u202ei\tj\u007fk\u2066l\u009bm")
                .build();

        assertThat(activity.description()).isEqualTo("a b c d e f g h i j k l m");
    }

    @Test
    void shouldNotLetADescriptionForgeALogLine() {
        Activity activity = valid().description("ok\r\n2026-01-01 INFO admin logged in").build();

        assertThat(activity.description()).doesNotContain("\n", "\r").isEqualTo("ok  2026-01-01 INFO admin logged in");
    }

    @Test
    void shouldReplaceLoneSurrogatesOfTheDescriptionAndKeepPairs() {
        assertThat(valid().description("x\uD800y").build().description()).isEqualTo("x\uFFFDy");
        assertThat(valid().description("\uDC00start").build().description()).isEqualTo("\uFFFDstart");
        assertThat(valid().description("end\uD83D").build().description()).isEqualTo("end\uFFFD");
        assertThat(valid().description("\uDE00\uD83D").build().description()).isEqualTo("\uFFFD\uFFFD");
        assertThat(valid().description("smile \uD83D\uDE00 ok").build().description()).isEqualTo("smile \uD83D\uDE00 ok");
    }

    @Test
    void shouldKeepAnOrdinaryDescriptionAsItIs() {
        String description = "Paid invoice 17 \u2013 \u20ac12.50 (\u4e2d\u6587, \u05e9\u05dc\u05d5\u05dd) \"quoted\" 100% <b>";

        assertThat(valid().description(description).build().description()).isSameAs(description);
        assertThat(valid().build().description()).isNull();
    }

    @Test
    void shouldCountTheDescriptionLengthAfterNeutralising() {
        // 1000 characters with CR LF stay 1000 characters once neutralised.
        String description = "a".repeat(998) + "\r\n";

        assertThat(valid().description(description).build().description()).isEqualTo("a".repeat(998) + "  ");
    }

    // ---------------------------------------------------------------- ip address

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4", "0.0.0.0", "255.255.255.255", "192.168.0.1", "10.0.0.10",
            "::1", "::", "::ffff:1.2.3.4", "fe80::1", "2001:db8::7", "2001:DB8::7", "2001:0db8:0000:0000:0000:0000:0000:0007",
            "1:2:3:4:5:6:7:8", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4",
            "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"})
    void shouldAcceptIpAddressLiterals(String ip) {
        assertThat(valid().ipAddress(ip).build().ipAddress()).isEqualTo(ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.02.3.4", "1.2.3.4.", ".1.2.3", "1..2.3",
            "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ", "0x1.2.3.4", "1234.1.1.1", "localhost", "example.com", "host",
            ":::", "1:::2", "1::2::3", ":1", "1:", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2:3:4:5:6:7:8",
            "g::1", "fe80::1%eth0", "::ffff:256.1.1.1", "::ffff:1.2.3", "1.2.3.4::", "[::1]", "::1/128", "1.2.3.4/32",
            "\u0661.2.3.4", "fe80::\u0661", "\uff21::1", "1:2:3:4:5:6:7:1.2.3.4"})
    void shouldRejectWhatIsNotAnIpAddressLiteral(String ip) {
        InvalidActivityException e = invalid(valid().ipAddress(ip));

        assertThat(e).hasMessage("ipAddress must be an IPv4 or IPv6 address, but was \"" + ip + "\"");
        assertThat(e.field()).isEqualTo("ipAddress");
    }

    @Test
    void shouldTreatAnEmptyIpAddressAsNone() {
        assertThat(valid().ipAddress("").build().ipAddress()).isNull();
        assertThat(valid().ipAddress(null).build().ipAddress()).isNull();
    }

    // ---------------------------------------------------------------- session, request, user agent

    @Test
    void shouldRejectASessionIdOrRequestIdLongerThan128Characters() {
        assertThat(invalid(valid().sessionId("s".repeat(129)))).hasMessage("sessionId must be at most 128 characters, but was 129");
        assertThat(invalid(valid().requestId("r".repeat(129)))).hasMessage("requestId must be at most 128 characters, but was 129");
        assertThat(invalid(valid().requestId("r".repeat(129))).field()).isEqualTo("requestId");
        Activity max = valid().sessionId("s".repeat(128)).requestId("r".repeat(128)).build();
        assertThat(max.sessionId()).hasSize(128);
        assertThat(max.requestId()).hasSize(128);
    }

    @Test
    void shouldRejectASessionIdOrRequestIdWithControlCharacters() {
        assertThat(invalid(valid().sessionId("abc\r\ndef"))).hasMessage("sessionId must not contain control characters");
        assertThat(invalid(valid().requestId("abc\u0000"))).hasMessage("requestId must not contain control characters");
    }

    @Test
    void shouldTreatAnEmptySessionIdOrRequestIdAsNone() {
        Activity activity = valid().sessionId("").requestId("").build();

        assertThat(activity.sessionId()).isNull();
        assertThat(activity.requestId()).isNull();
    }

    @Test
    void shouldCutTheUserAgentTo512Characters() {
        assertThat(valid().userAgent("a".repeat(600)).build().userAgent()).isEqualTo("a".repeat(512));
        assertThat(valid().userAgent("a".repeat(512)).build().userAgent()).isEqualTo("a".repeat(512));
    }

    @Test
    void shouldNotCutASurrogatePairOfTheUserAgentInHalf() {
        String userAgent = "a".repeat(511) + "\uD83D\uDE00" + "tail";

        assertThat(valid().userAgent(userAgent).build().userAgent()).isEqualTo("a".repeat(511));
    }

    @Test
    void shouldNeutraliseTheUserAgent() {
        assertThat(valid().userAgent("Mozilla\r\nX-Injected: 1\u202e").build().userAgent()).isEqualTo("Mozilla  X-Injected: 1 ");
    }

    @Test
    void shouldCopyTheRequestInfo() {
        Activity activity = valid().request(new RequestInfo("203.0.113.1", "curl/8", "sess", "req")).build();

        assertThat(activity.ipAddress()).isEqualTo("203.0.113.1");
        assertThat(activity.userAgent()).isEqualTo("curl/8");
        assertThat(activity.sessionId()).isEqualTo("sess");
        assertThat(activity.requestId()).isEqualTo("req");
        assertThat(invalid(valid().request(new RequestInfo("not-an-ip", null, null, null))).field()).isEqualTo("ipAddress");
    }

    // ---------------------------------------------------------------- JSON maps

    @Test
    void shouldRejectMetadataLargerThan16KibAsJsonWithTheByteCount() {
        // {"k":"..."} is 8 bytes more than the string.
        assertThat(valid().metadata(Map.of("k", "x".repeat(16_376))).build().metadata()).containsKey("k");
        assertThatThrownBy(() -> valid().metadata(Map.of("k", "x".repeat(16_377))))
                .isInstanceOf(InvalidActivityException.class)
                .hasMessage("metadata must be at most 16384 bytes as JSON, but was 16385");
        assertThatThrownBy(() -> valid().metadata(Map.of("k", "x".repeat(20_000))))
                .hasMessage("metadata must be at most 16384 bytes as JSON, but was 20008");
    }

    @Test
    void shouldCountMetadataSizeInUtf8Bytes() {
        // 8193 two-byte characters: 16386 bytes of string, 16394 of JSON.
        assertThatThrownBy(() -> valid().metadata(Map.of("k", "\u00e9".repeat(8_193))))
                .hasMessage("metadata must be at most 16384 bytes as JSON, but was 16394");
    }

    @Test
    void shouldApplyTheSizeLimitToDeviceAndLocationInfo() {
        Map<String, Object> big = Map.of("k", "x".repeat(20_000));

        InvalidActivityException device = catchThrowableOfType(InvalidActivityException.class, () -> valid().deviceInfo(big));
        InvalidActivityException location = catchThrowableOfType(InvalidActivityException.class, () -> valid().locationInfo(big));

        assertThat(device).hasMessage("deviceInfo must be at most 16384 bytes as JSON, but was 20008");
        assertThat(device.field()).isEqualTo("deviceInfo");
        assertThat(location).hasMessage("locationInfo must be at most 16384 bytes as JSON, but was 20008");
    }

    @Test
    void shouldCopyNestedMetadataDeeply() {
        List<Object> list = new ArrayList<>(List.of("a", "b"));
        Map<String, Object> inner = new HashMap<>(Map.of("x", 1));
        int[] numbers = {1, 2, 3};
        String[] words = {"p", "q"};
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("list", list);
        metadata.put("inner", inner);
        metadata.put("numbers", numbers);
        metadata.put("words", words);

        Activity activity = valid().metadata(metadata).build();
        list.add("c");
        inner.put("y", 2);
        numbers[0] = 99;
        words[0] = "changed";
        metadata.put("late", true);

        assertThat(activity.metadata()).containsOnlyKeys("list", "inner", "numbers", "words");
        assertThat(activity.metadata().get("list")).isEqualTo(List.of("a", "b"));
        assertThat(activity.metadata().get("inner")).isEqualTo(Map.of("x", 1));
        assertThat(activity.metadata().get("numbers")).isEqualTo(List.of(1, 2, 3));
        assertThat(activity.metadata().get("words")).isEqualTo(List.of("p", "q"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldMakeMetadataUnmodifiableAtEveryLevel() {
        Activity activity = valid().metadata(Map.of(
                "list", List.of(Map.of("deep", new ArrayList<>(List.of(1)))),
                "map", new HashMap<>(Map.of("k", "v")),
                "array", new Object[] {new HashMap<>(Map.of("z", 0))})).build();
        Map<String, Object> metadata = activity.metadata();
        List<Object> list = (List<Object>) metadata.get("list");
        Map<String, Object> deepMap = (Map<String, Object>) list.get(0);
        List<Object> deepList = (List<Object>) deepMap.get("deep");
        Map<String, Object> map = (Map<String, Object>) metadata.get("map");
        Map<String, Object> inArray = (Map<String, Object>) ((List<Object>) metadata.get("array")).get(0);

        assertThatThrownBy(() -> metadata.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> deepMap.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> deepList.set(0, 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.remove("k")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> inArray.clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> activity.deviceInfo().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldTurnNonFiniteNumbersIntoStrings() {
        Map<String, Object> metadata = valid().metadata(Map.of(
                "nan", Double.NaN, "inf", Double.POSITIVE_INFINITY, "minf", Double.NEGATIVE_INFINITY,
                "fnan", Float.NaN, "ok", 1.5)).build().metadata();

        assertThat(metadata).containsEntry("nan", "NaN").containsEntry("inf", "Infinity")
                .containsEntry("minf", "-Infinity").containsEntry("fnan", "NaN").containsEntry("ok", 1.5);
    }

    @Test
    void shouldKeepJsonValuesAndStringifyTheRest() {
        UUID uuid = UUID.fromString("01890a5d-ac96-774b-bcce-b302099a8057");
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("string", "s");
        input.put("int", 1);
        input.put("long", 5_000_000_000L);
        input.put("short", (short) 7);
        input.put("byte", (byte) 8);
        input.put("bigint", new BigInteger("123456789012345678901234567890"));
        input.put("decimal", new BigDecimal("12.50"));
        input.put("bool", true);
        input.put("null", null);
        input.put("enum", Severity.ERROR);
        input.put("uuid", uuid);
        input.put("instant", Instant.parse("2025-01-02T03:04:05Z"));

        Map<String, Object> metadata = valid().metadata(input).build().metadata();

        assertThat(metadata).containsEntry("string", "s").containsEntry("int", 1).containsEntry("long", 5_000_000_000L)
                .containsEntry("short", 7).containsEntry("byte", 8)
                .containsEntry("bigint", new BigInteger("123456789012345678901234567890"))
                .containsEntry("decimal", new BigDecimal("12.50")).containsEntry("bool", true)
                .containsEntry("null", null).containsEntry("enum", "ERROR").containsEntry("uuid", uuid.toString())
                .containsEntry("instant", "2025-01-02T03:04:05Z");
    }

    @Test
    void shouldRejectMetadataNestedDeeperThan16Levels() {
        // Levels are maps and lists, the outermost map included: {"k":{"k":"leaf"}} has 2.
        assertThat(valid().metadata(nested(16, "leaf")).build().metadata()).isNotEmpty();
        assertThat(valid().metadata(nested(15, Map.of())).build().metadata()).isNotEmpty();
        assertThat(valid().metadata(Map.of("list", nestedList(15))).build().metadata()).isNotEmpty();
        assertThatThrownBy(() -> valid().metadata(nested(17, "leaf")))
                .isInstanceOf(InvalidActivityException.class)
                .hasMessage("metadata must not be nested deeper than 16 levels");
        assertThatThrownBy(() -> valid().metadata(nested(16, Map.of())))
                .hasMessage("metadata must not be nested deeper than 16 levels");
        assertThatThrownBy(() -> valid().metadata(Map.of("list", nestedList(16))))
                .hasMessage("metadata must not be nested deeper than 16 levels");
    }

    @Test
    void shouldRejectMetadataThatHoldsItself() {
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("self", cyclic);

        assertThatThrownBy(() -> valid().metadata(cyclic)).isInstanceOf(InvalidActivityException.class)
                .hasMessage("metadata must not be nested deeper than 16 levels");
    }

    @Test
    void shouldRejectANullKeyInMetadata() {
        Map<String, Object> withNullKey = new HashMap<>();
        withNullKey.put(null, 1);

        assertThatThrownBy(() -> valid().metadata(withNullKey)).isInstanceOf(InvalidActivityException.class)
                .hasMessage("metadata must not have a null key");
    }

    @Test
    void shouldKeepEveryCharacterOfMetadataStrings() {
        // JSON escapes control characters, so they are harmless here; a store refuses what it cannot hold.
        Map<String, Object> metadata = valid().metadata(Map.of(
                "pair", "\uD83D\uDE00", "ctrl", "line\nnext\ttab\u202e", "key\u0001", 1)).build().metadata();

        assertThat(metadata).containsEntry("pair", "\uD83D\uDE00").containsEntry("ctrl", "line\nnext\ttab\u202e")
                .containsEntry("key\u0001", 1);
    }

    @Test
    void shouldDefaultJsonMapsToEmpty() {
        Activity activity = valid().build();

        assertThat(activity.metadata()).isEmpty();
        assertThat(activity.deviceInfo()).isEmpty();
        assertThat(activity.locationInfo()).isEmpty();
    }

    // ---------------------------------------------------------------- createdAt and id

    @Test
    void shouldTruncateCreatedAtToMicroseconds() {
        Activity activity = valid().createdAt(Instant.parse("2025-03-14T09:26:53.123456789Z")).build();

        assertThat(activity.createdAt()).isEqualTo(Instant.parse("2025-03-14T09:26:53.123456Z"));
    }

    @Test
    void shouldDefaultCreatedAtToNowInMicroseconds() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Activity activity = valid().build();
        Instant after = Instant.now();

        assertThat(activity.createdAt()).isBetween(before, after);
        assertThat(activity.createdAt().getNano() % 1_000).isZero();
    }

    @Test
    void shouldRejectACreatedAtOutsideTheStorableRange() {
        assertThat(invalid(valid().createdAt(Instant.parse("1969-12-31T23:59:59.999999Z"))))
                .hasMessage("createdAt must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, "
                        + "but was 1969-12-31T23:59:59.999999Z");
        assertThat(invalid(valid().createdAt(Instant.parse("+10000-01-01T00:00:00Z"))).field()).isEqualTo("createdAt");
        assertThat(invalid(valid().createdAt(Instant.MAX)).field()).isEqualTo("createdAt");
        assertThat(invalid(valid().createdAt(Instant.MIN)).field()).isEqualTo("createdAt");
        assertThat(valid().createdAt(Instant.EPOCH).build().createdAt()).isEqualTo(Instant.EPOCH);
        assertThat(valid().createdAt(Instant.parse("9999-12-31T23:59:59.999999999Z")).build().createdAt())
                .isEqualTo(Activity.MAX_CREATED_AT);
    }

    @Test
    void shouldMakeAUuidV7IdWhoseTimestampIsCreatedAt() {
        Instant at = Instant.parse("2025-03-14T09:26:53.123456Z");

        Activity activity = valid().createdAt(at).build();

        assertThat(activity.id().version()).isEqualTo(7);
        assertThat(activity.id().variant()).isEqualTo(2);
        assertThat(UuidV7.millis(activity.id())).isEqualTo(at.toEpochMilli());
    }

    @Test
    void shouldMakeADifferentIdForEveryActivity() {
        Instant at = Instant.parse("2025-03-14T09:26:53Z");

        assertThat(valid().createdAt(at).build().id()).isNotEqualTo(valid().createdAt(at).build().id());
    }

    @Test
    void shouldKeepAGivenId() {
        UUID id = UUID.fromString("00000000-0000-4000-8000-000000000001");

        assertThat(valid().id(id).build().id()).isEqualTo(id);
    }

    @Test
    void shouldDefaultSeverityToInfo() {
        assertThat(valid().build().severity()).isEqualTo(Severity.INFO);
        assertThatThrownBy(() -> valid().severity(null)).isInstanceOf(NullPointerException.class);
    }

    // ---------------------------------------------------------------- value semantics

    @Test
    void shouldKeepEveryValueInToBuilder() {
        Activity activity = valid().description("d").severity(Severity.ERROR).ipAddress("::1").userAgent("ua")
                .sessionId("s").requestId("r").deviceInfo(Map.of("d", 1)).locationInfo(Map.of("l", 2))
                .metadata(Map.of("m", 3)).createdAt(Instant.parse("2025-01-01T00:00:00.000001Z")).build();

        Activity copy = activity.toBuilder().build();

        assertThat(copy).isEqualTo(activity).hasSameHashCodeAs(activity);
        assertThat(copy.id()).isEqualTo(activity.id());
        assertThat(copy.description()).isEqualTo("d");
        assertThat(copy.metadata()).isEqualTo(Map.of("m", 3));
        assertThat(activity.toBuilder().description("other").build()).isNotEqualTo(activity);
    }

    @Test
    void shouldValidateAgainWhenBuiltFromToBuilder() {
        Activity activity = valid().build();

        assertThat(invalid(activity.toBuilder().action("Bad")).field()).isEqualTo("action");
        assertThat(invalid(activity.toBuilder().userId(" ")).field()).isEqualTo("userId");
    }

    @Test
    void shouldKeepPersonalDataOutOfToString() {
        Activity activity = valid().ipAddress("203.0.113.9").sessionId("secret-session").userAgent("agent-x")
                .metadata(Map.of("card", "4111111111111111")).description("private text").build();

        assertThat(activity.toString()).contains("user-42", "invoice_paid", activity.id().toString())
                .doesNotContain("203.0.113.9", "secret-session", "4111111111111111", "agent-x", "private text");
    }

    @Test
    void shouldOfferTheSameChecksAsStaticMethods() {
        assertThat(Activity.validateUserId("u")).isEqualTo("u");
        assertThat(Activity.validateAction("a.b")).isEqualTo("a.b");
        assertThatThrownBy(() -> Activity.validateUserId("")).isInstanceOf(InvalidActivityException.class);
        assertThatThrownBy(() -> Activity.validateAction("A")).isInstanceOf(InvalidActivityException.class);
    }

    private static Map<String, Object> nested(int levels, Object leaf) {
        Object value = leaf;
        for (int i = 0; i < levels - 1; i++) {
            value = Map.of("k", value);
        }
        return Map.of("k", value);
    }

    private static List<Object> nestedList(int levels) {
        List<Object> value = List.of();
        for (int i = 0; i < levels - 1; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void shouldKeepStoredValuesAsTheyAreWithoutTheWriteTimeRules() {
        java.util.UUID id = java.util.UUID.randomUUID();
        Instant at = Instant.parse("2026-01-01T00:00:00.123456789Z");
        Map<String, Object> big = Map.of("k", "x".repeat(20_000));

        Activity stored = Activity.storedBuilder("user\u200B", "Legacy Action").id(id).createdAt(at)
                .description("d".repeat(2_000)).metadata(big).build();

        assertThat(stored.id()).isEqualTo(id);
        assertThat(stored.action()).isEqualTo("Legacy Action");
        assertThat(stored.description()).hasSize(2_000);
        assertThat(stored.metadata()).isEqualTo(big);
        assertThat(stored.createdAt()).isEqualTo(at);
        assertThatThrownBy(() -> Activity.storedBuilder("u", "a").build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("createdAt");
    }

    /** Regression: "admin" followed by a zero-width space passed for "admin". */
    @Test
    void shouldRefuseInvisibleCharactersInIdsAndNeutraliseThemInDescriptions() {
        for (String invisible : List.of("\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u061C", "\u2060", "\uFEFF")) {
            assertThatThrownBy(() -> Activity.builder("admin" + invisible, "login").build())
                    .isInstanceOf(InvalidActivityException.class).hasMessage("userId must not contain control characters");
            assertThat(Activity.builder("u", "login").description("a" + invisible + "b").build().description()).isEqualTo("a b");
        }
    }
}
