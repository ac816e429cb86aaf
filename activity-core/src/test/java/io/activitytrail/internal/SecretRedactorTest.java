package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.PrivacyPolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRedactorTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    private final SecretRedactor redactor = SecretRedactor.of(PrivacyPolicy.defaults());

    @ParameterizedTest
    @ValueSource(strings = {"password", "Password", "user_password", "passwd", "pwd", "client_secret", "access_token",
        "refreshToken", "X-Api-Key", "api_key", "apiKey", "Authorization", "cookie", "Set-Cookie", "session_id", "sessionId",
        "credit_card", "creditCard", "card_number", "CardNumber", "cvv", "card_cvc", "ssn", "user_ssn", "userSSN", "private_key"})
    void shouldTakeTheseKeysForSecrets(String key) {
        assertThat(redactor.isSecretKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"method", "path", "status", "className", "businessName", "lessons", "description",
        "cvvx", "pwdless", "user", "invoice"})
    void shouldNotTakeTheseKeysForSecrets(String key) {
        assertThat(redactor.isSecretKey(key)).isFalse();
    }

    @Test
    void shouldRedactSecretKeysAtAnyDepthAndInLists() {
        Map<String, Object> metadata = Map.of(
                "method", "POST",
                "password", "hunter2",
                "request", Map.of("headers", Map.of("X-Api-Key", "k-123", "Accept", "json")),
                "attempts", List.of(Map.of("token", Map.of("deep", "value")), "plain"));

        Map<String, Object> out = redactor.redact(metadata);

        assertThat(out).containsEntry("method", "POST").containsEntry("password", "[REDACTED]")
                .containsEntry("request", Map.of("headers", Map.of("X-Api-Key", "[REDACTED]", "Accept", "json")))
                .containsEntry("attempts", List.of(Map.of("token", "[REDACTED]"), "plain"));
    }

    @Test
    void shouldKeepTheKeyOrder() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("a", 1);
        metadata.put("secret", "s");
        metadata.put("z", 2);

        assertThat(redactor.redact(metadata).keySet()).containsExactly("a", "secret", "z");
    }

    @Test
    void shouldReturnTheSameInstancesWhenNothingIsSecret() {
        Map<String, Object> metadata = Map.of("method", "GET", "nested", Map.of("list", List.of("a", 1, true)));
        String text = "GET /orders/17 -> 200 in 12 ms";

        assertThat(redactor.redact(metadata)).isSameAs(metadata);
        assertThat(redactor.redactText(text)).isSameAs(text);
    }

    @Test
    void shouldRedactLuhnValidCardNumbersOnly() {
        assertThat(redactor.redactText("paid with 4111111111111111 today")).isEqualTo("paid with [REDACTED] today");
        assertThat(redactor.redactText("card 4111 1111 1111 1111.")).isEqualTo("card [REDACTED].");
        assertThat(redactor.redactText("card 5500-0000-0000-0004")).isEqualTo("card [REDACTED]");
        assertThat(redactor.redactText("amex 378282246310005")).isEqualTo("amex [REDACTED]");
        String notLuhn = "order 4111111111111112 shipped";
        assertThat(redactor.redactText(notLuhn)).isSameAs(notLuhn);
        String tooShort = "ref 411111111111";
        assertThat(redactor.redactText(tooShort)).isSameAs(tooShort);
        String tooLong = "id 41111111111111111111111";
        assertThat(redactor.redactText(tooLong)).isSameAs(tooLong);
        // Luhn-valid, but epoch milliseconds: no card network's numbers start with 1 (or 0, 7, 8, 9).
        assertThat(SecretRedactor.luhn("1733150000003")).isTrue();
        String timestamp = "at 1733150000003 ms";
        assertThat(redactor.redactText(timestamp)).isSameAs(timestamp);
    }

    @Test
    void shouldRedactJwtsAndBearerTokens() {
        assertThat(redactor.redactText("token=" + JWT + " end")).isEqualTo("token=[REDACTED] end");
        assertThat(redactor.redactText("Authorization: Bearer abcDEF123456._~+/-xyz==")).isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(redactor.redactText("bearer   0123456789")).isEqualTo("bearer   [REDACTED]");
        String prose = "The bearer of bad news";
        assertThat(redactor.redactText(prose)).isSameAs(prose);
    }

    @Test
    void shouldRedactSecretValuesInMetadataStrings() {
        Map<String, Object> metadata = Map.of("note", "card 4111111111111111", "list", List.of(JWT), "n", 17);

        Map<String, Object> out = redactor.redact(metadata);

        assertThat(out).containsEntry("note", "card [REDACTED]").containsEntry("list", List.of("[REDACTED]"))
                .containsEntry("n", 17);
    }

    @Test
    void shouldUseConfiguredKeysAndLeaveValuesWhenToldTo() {
        SecretRedactor custom = SecretRedactor.of(PrivacyPolicy.builder().secretKeys(List.of("pin")).redactSecretValues(false).build());
        Map<String, Object> metadata = Map.of("PIN", "1234", "password", "p", "note", JWT);

        assertThat(custom.redact(metadata)).containsEntry("PIN", "[REDACTED]").containsEntry("password", "p")
                .containsEntry("note", JWT);
    }

    @Test
    void shouldCheckTheLuhnSum() {
        assertThat(SecretRedactor.luhn("79927398713")).isTrue();
        assertThat(SecretRedactor.luhn("79927398710")).isFalse();
        char[] digits = new char[16];
        Arrays.fill(digits, '0');
        assertThat(SecretRedactor.luhn(new String(digits))).isTrue();
    }

    @Test
    void shouldGiveTheSameVerdictOnAKeyTheSecondTimeAndPastTheRememberedLimit() {
        assertThat(redactor.isSecretKey("password")).isTrue();
        assertThat(redactor.isSecretKey("password")).isTrue();
        assertThat(redactor.isSecretKey("invoice")).isFalse();
        assertThat(redactor.isSecretKey("invoice")).isFalse();
        for (int i = 0; i < SecretRedactor.MAX_REMEMBERED_KEYS + 100; i++) {
            assertThat(redactor.isSecretKey("field_" + i)).isFalse();
        }
        assertThat(redactor.isSecretKey("apiToken")).as("a key first seen once the memory is full").isTrue();
        assertThat(redactor.isSecretKey("password")).isTrue();
        assertThat(redactor.redact(java.util.Map.of("user_password", "hunter2"))).containsEntry("user_password", SecretRedactor.REDACTED);
    }
}
