package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.servlet.FilterSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryRedactorTest {
    private final QueryRedactor redactor = new QueryRedactor(FilterSettings.DEFAULT_SECRET_QUERY_KEYS);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "token=abc | token=***",
        "page=2&token=abc&sort=asc | page=2&token=***&sort=asc",
        "password=x&passwd=y&pwd=z | password=***&passwd=***&pwd=***",
        "access_token=a&refresh-token=b&X-Auth-Token=c | access_token=***&refresh-token=***&X-Auth-Token=***",
        "api_key=a&apiKey=b&APIKEY=c&x-api-key=d | api_key=***&apiKey=***&APIKEY=***&x-api-key=***",
        "client_secret=s&authorization=Bearer+x&cookie=c | client_secret=***&authorization=***&cookie=***",
        "jsessionid=1&session_id=2 | jsessionid=***&session_id=***",
        "credit_card=4111&card_number=4111&cardNumber=4111&cvv=1&cvc=2&ssn=3 | credit_card=***&card_number=***&cardNumber=***&cvv=***&cvc=***&ssn=***",
        "%74oken=abc | %74oken=***",
        "q=token&page=1 | q=token&page=1",
        "token | token",
        "token= | token=***",
        "a=1&&b=2 | a=1&&b=2",
        "'' | ''",
        "jwt=eyJ&signature=x | jwt=***&signature=***",
        "token=a=b=c | token=***",
    })
    void shouldReplaceValuesOfSecretLookingKeysOnly(String query, String expected) {
        assertThat(redactor.redact(query)).isEqualTo(expected);
    }

    /** Most queries name no secret: the redactor hands back the query itself, without copying it. */
    @org.junit.jupiter.api.Test
    void shouldReturnTheSameQueryWhenItNamesNoSecret() {
        String query = "page=2&sort=asc&q=token";

        assertThat(redactor.redact(query)).isSameAs(query);
    }

    /** Secrets and plain pairs interleaved: every pair between two secrets is copied as it was. */
    @org.junit.jupiter.api.Test
    void shouldKeepThePairsBetweenSecretsWhenItMasksSeveral() {
        assertThat(redactor.redact("a=1&token=x&b=2&c=3&password=y&d=4"))
                .isEqualTo("a=1&token=***&b=2&c=3&password=***&d=4");
    }

    /**
     * Regression: each pair searched for its '=' to the end of the query, so a query of many pairs
     * without a value ("a&a&a&...") cost time quadratic in its length (5 s for 1 MiB). 16 MiB take
     * a fraction of a second in one pass and about twenty minutes that way: the bound is a guard
     * against that blow-up, three orders of magnitude away, not a speed measurement.
     */
    @org.junit.jupiter.api.Test
    void shouldScanAQueryOfManyPairsWithoutValuesInOnePass() {
        String query = "a&".repeat(8 * 1024 * 1024) + "token=s";

        String redacted = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(60), () -> redactor.redact(query));

        assertThat(redacted).endsWith("&token=***").hasSize(query.length() + 2);
    }
}
