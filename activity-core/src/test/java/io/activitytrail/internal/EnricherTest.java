package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.LocationResolver;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EnricherTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final CountingListener listener = new CountingListener();

    @Test
    void shouldReplaceTheSessionIdByItsHmacSha256() throws Exception {
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), LocationResolver.NONE, listener);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("JSESSION-1".getBytes(StandardCharsets.UTF_8)));

        Activity a = enricher.protect(Activity.builder("user-1", "login").sessionId("JSESSION-1").build());

        assertThat(a.sessionId()).isEqualTo(expected);
    }

    @Test
    void shouldHashDifferentlyWithAnotherKey() {
        Activity a = Activity.builder("user-1", "login").sessionId("JSESSION-1").build();
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;

        String one = new Enricher(new SessionIdHasher(KEY), LocationResolver.NONE, listener).protect(a).sessionId();
        String two = new Enricher(new SessionIdHasher(otherKey), LocationResolver.NONE, listener).protect(a).sessionId();
        String random = new Enricher(new SessionIdHasher(null), LocationResolver.NONE, listener).protect(a).sessionId();

        assertThat(one).isNotEqualTo(two).isNotEqualTo(random);
        assertThat(random).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldKeepIdAndTimeWhenEnriching() {
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), ip -> Map.of("country", "NL"), listener);
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7").userAgent("curl/8.0").sessionId("s").build();

        Activity enriched = enricher.enrich(a);

        assertThat(enriched.id()).isEqualTo(a.id());
        assertThat(enriched.createdAt()).isEqualTo(a.createdAt());
        assertThat(enriched.ipAddress()).isEqualTo("198.51.100.7");
        assertThat(enriched.deviceInfo()).containsEntry("device_type", "bot");
        assertThat(enriched.locationInfo()).containsEntry("country", "NL");
    }

    @Test
    void shouldNotResolveAgainWhatIsDescribedAlready() {
        AtomicInteger calls = new AtomicInteger();
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), ip -> {
            calls.incrementAndGet();
            return Map.of("country", "NL");
        }, listener);
        Activity once = enricher.describe(Activity.builder("user-1", "login").ipAddress("198.51.100.7").build());

        Activity twice = enricher.describe(once);

        assertThat(twice).isSameAs(once);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void shouldCountAResolverFailureAndKeepTheActivity() {
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), ip -> {
            throw new IllegalStateException("no geo database");
        }, listener);
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7").userAgent("curl/8.0").build();

        Activity enriched = enricher.describe(a);

        assertThat(enriched.locationInfo()).isEmpty();
        assertThat(enriched.deviceInfo()).isNotEmpty();
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }

    @Test
    void shouldCountAResolverAnswerThatIsTooLarge() {
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), ip -> Map.of("blob", "x".repeat(20_000)), listener);

        Activity enriched = enricher.describe(Activity.builder("user-1", "login").ipAddress("198.51.100.7").build());

        assertThat(enriched.locationInfo()).isEmpty();
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }
}
