package io.activitytrail.internal;

import io.activitytrail.testing.CountingListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.DeviceResolver;
import io.activitytrail.LocationResolver;
import io.activitytrail.PrivacyPolicy;
import io.activitytrail.PrivacyPolicy.LocationPrecision;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EnricherTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final DeviceResolver DEVICES = ua -> Map.of("browser", "Chrome", "browser_version", "110",
            "os", "Linux", "device_type", "desktop");

    private final CountingListener listener = new CountingListener();

    private Enricher enricher(PrivacyPolicy policy, DeviceResolver devices, LocationResolver locations) {
        return new Enricher(new SessionIdHasher(KEY), policy, devices, 10_000, locations, listener);
    }

    private Enricher enricher(LocationResolver locations) {
        return enricher(PrivacyPolicy.defaults(), DEVICES, locations);
    }

    @Test
    void shouldReplaceTheSessionIdByItsHmacSha256() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("JSESSION-1".getBytes(StandardCharsets.UTF_8)));

        Activity a = enricher(LocationResolver.NONE).protect(Activity.builder("user-1", "login").sessionId("JSESSION-1").build());

        assertThat(a.sessionId()).isEqualTo(expected);
    }

    @Test
    void shouldHashDifferentlyWithAnotherKey() {
        Activity a = Activity.builder("user-1", "login").sessionId("JSESSION-1").build();
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        PrivacyPolicy p = PrivacyPolicy.defaults();

        String one = new Enricher(new SessionIdHasher(KEY), p, DEVICES, 10_000, LocationResolver.NONE, listener).protect(a).sessionId();
        String two = new Enricher(new SessionIdHasher(otherKey), p, DEVICES, 10_000, LocationResolver.NONE, listener).protect(a).sessionId();
        String random = new Enricher(new SessionIdHasher(null), p, DEVICES, 10_000, LocationResolver.NONE, listener).protect(a).sessionId();

        assertThat(one).isNotEqualTo(two).isNotEqualTo(random);
        assertThat(random).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldKeepIdAndTimeAndMaskTheIpWhenEnriching() {
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7").userAgent("curl/8.0").sessionId("s").build();

        Activity enriched = enricher(ip -> Map.of("country", "NL")).enrich(a);

        assertThat(enriched.id()).isEqualTo(a.id());
        assertThat(enriched.createdAt()).isEqualTo(a.createdAt());
        assertThat(enriched.ipAddress()).isEqualTo("198.51.100.0");
        assertThat(enriched.deviceInfo()).containsEntry("device_type", "desktop");
        assertThat(enriched.locationInfo()).containsEntry("country", "NL");
    }

    @Test
    void shouldResolveTheLocationFromTheRawIpBeforeMaskingIt() {
        List<String> asked = new ArrayList<>();
        Enricher enricher = enricher(ip -> {
            asked.add(ip);
            return Map.of("country_code", "NL");
        });

        Activity viaWriter = enricher.enrich(Activity.builder("user-1", "login").ipAddress("198.51.100.7").build());
        Activity viaCaller = enricher.protect(Activity.builder("user-1", "login").ipAddress("2001:db8:1:2::5").build());

        assertThat(asked).containsExactly("198.51.100.7", "2001:db8:1:2::5");
        assertThat(viaWriter.ipAddress()).isEqualTo("198.51.100.0");
        assertThat(viaCaller.ipAddress()).isEqualTo("2001:db8:1::");
        assertThat(viaCaller.locationInfo()).containsEntry("country_code", "NL");
    }

    @Test
    void shouldLeaveDeviceInfoToTheReplayWhenProtectingAndNotLocateAgainThen() {
        AtomicInteger locations = new AtomicInteger();
        AtomicInteger devices = new AtomicInteger();
        Enricher enricher = enricher(PrivacyPolicy.defaults(), ua -> {
            devices.incrementAndGet();
            return Map.of("browser", "Firefox", "device_type", "desktop");
        }, ip -> {
            locations.incrementAndGet();
            return Map.of();
        });
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7").userAgent("Mozilla/5.0").build();

        Activity spooled = enricher.protect(a);
        assertThat(spooled.deviceInfo()).isEmpty();
        assertThat(devices).hasValue(0);
        Activity replayed = enricher.describe(spooled);

        assertThat(replayed.deviceInfo()).containsEntry("browser", "Firefox");
        assertThat(replayed.ipAddress()).isEqualTo("198.51.100.0");
        assertThat(locations).hasValue(1);
        assertThat(enricher.describe(replayed)).isSameAs(replayed);
    }

    @Test
    void shouldRedactSecretsAndGeneraliseTheLocation() {
        PrivacyPolicy policy = PrivacyPolicy.builder().locationPrecision(LocationPrecision.COUNTRY).build();
        Enricher enricher = enricher(policy, DEVICES, ip -> Map.of("country_code", "NL", "city", "Utrecht",
                "latitude", 52.09, "longitude", 5.12));
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7")
                .description("card 4111 1111 1111 1111 used")
                .metadata(Map.of("password", "hunter2", "nested", Map.of("access_token", "t0k3n")))
                .build();

        Activity enriched = enricher.enrich(a);

        assertThat(enriched.description()).isEqualTo("card [REDACTED] used");
        assertThat(enriched.metadata()).containsEntry("password", "[REDACTED]")
                .containsEntry("nested", Map.of("access_token", "[REDACTED]"));
        assertThat(enriched.locationInfo()).containsExactly(Map.entry("country_code", "NL"));
    }

    @Test
    void shouldStoreNoIpUnderFullMaskingButStillLocateIt() {
        PrivacyPolicy policy = PrivacyPolicy.builder().ipMasking(PrivacyPolicy.IpMasking.FULL).build();

        Activity enriched = enricher(policy, DEVICES, ip -> Map.of("country_code", "NL"))
                .enrich(Activity.builder("user-1", "login").ipAddress("198.51.100.7").build());

        assertThat(enriched.ipAddress()).isNull();
        assertThat(enriched.locationInfo()).containsEntry("country_code", "NL");
    }

    @Test
    void shouldApplyClientHintsOverTheUserAgentAndDropTheRawHints() {
        Activity a = Activity.builder("user-1", "login").userAgent("Mozilla/5.0 (Linux; Android 10; K)")
                .deviceInfo(Map.of("client_hints", Map.of(
                        "sec_ch_ua", "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"",
                        "sec_ch_ua_mobile", "?1",
                        "sec_ch_ua_platform", "\"Android\"")))
                .build();

        Activity enriched = enricher(LocationResolver.NONE).enrich(a);

        assertThat(enriched.deviceInfo()).doesNotContainKey("client_hints")
                .containsEntry("browser", "Chrome").containsEntry("browser_version", "124")
                .containsEntry("os", "Android").containsEntry("device_type", "mobile");
    }

    @Test
    void shouldKeepDeviceInfoTheHostSet() {
        Activity a = Activity.builder("user-1", "login").userAgent("curl/8.0").deviceInfo(Map.of("device", "kiosk-7")).build();

        Activity enriched = enricher(LocationResolver.NONE).enrich(a);

        assertThat(enriched.deviceInfo()).containsExactly(Map.entry("device", "kiosk-7"));
    }

    @Test
    void shouldReturnTheSameActivityWhenThereIsNothingToDo() {
        Activity a = Activity.builder("user-1", "login").description("Signed in").metadata(Map.of("method", "GET")).build();

        assertThat(enricher(LocationResolver.NONE).describe(a)).isSameAs(a);
    }

    @Test
    void shouldCountAResolverFailureAndKeepTheActivity() {
        Enricher enricher = enricher(ip -> {
            throw new IllegalStateException("no geo database");
        });
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7").userAgent("curl/8.0").build();

        Activity enriched = enricher.enrich(a);

        assertThat(enriched.locationInfo()).isEmpty();
        assertThat(enriched.deviceInfo()).isNotEmpty();
        assertThat(enriched.ipAddress()).isEqualTo("198.51.100.0");
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }

    @Test
    void shouldCountADeviceResolverFailureAndKeepTheActivity() {
        Enricher enricher = enricher(PrivacyPolicy.defaults(), ua -> {
            throw new IllegalStateException("rules missing");
        }, LocationResolver.NONE);

        Activity enriched = enricher.enrich(Activity.builder("user-1", "login").userAgent("curl/8.0").build());

        assertThat(enriched.deviceInfo()).isEmpty();
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }

    @Test
    void shouldCountAResolverAnswerThatIsTooLarge() {
        Activity enriched = enricher(ip -> Map.of("blob", "x".repeat(20_000)))
                .enrich(Activity.builder("user-1", "login").ipAddress("198.51.100.7").build());

        assertThat(enriched.locationInfo()).isEmpty();
        assertThat(enriched.ipAddress()).isEqualTo("198.51.100.0");
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }

    @Test
    void shouldRemoveWhatItCannotCleanWhenThePrivacyStepFails() {
        // Redacting a 16 KiB map of short secrets grows it past the limit: the build fails.
        Map<String, Object> secrets = new java.util.LinkedHashMap<>();
        for (int i = 0; secrets.size() < 1_000; i++) {
            secrets.put("token" + i, "x");
        }
        Activity a = Activity.builder("user-1", "login").ipAddress("198.51.100.7").description("d")
                .metadata(secrets).sessionId("RAW").build();

        Activity enriched = enricher(LocationResolver.NONE).enrich(a);

        assertThat(enriched.ipAddress()).isNull();
        assertThat(enriched.metadata()).isEmpty();
        assertThat(enriched.description()).isNull();
        assertThat(enriched.sessionId()).matches("[0-9a-f]{64}");
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }

    @Test
    void shouldResolveEachDistinctUserAgentOnceWhileTheCacheHoldsIt() {
        AtomicInteger resolved = new AtomicInteger();
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), PrivacyPolicy.defaults(), ua -> {
            resolved.incrementAndGet();
            return Map.of("browser", ua);
        }, 1_000, LocationResolver.NONE, listener);

        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1_000; i++) {
                Activity enriched = enricher.enrich(Activity.builder("user-1", "login").userAgent("agent-" + i).build());
                assertThat(enriched.deviceInfo()).containsExactly(Map.entry("browser", "agent-" + i));
            }
        }

        assertThat(resolved).hasValue(1_000);
    }

    @Test
    void shouldShareOneCheckedCopyOfTheDeviceInfoBetweenActivitiesOfAUserAgent() {
        Map<String, Object> answer = new java.util.LinkedHashMap<>(Map.of("browser", "Chrome", "os", "Linux"));
        Enricher enricher = enricher(PrivacyPolicy.defaults(), ua -> answer, LocationResolver.NONE);

        Activity first = enricher.enrich(Activity.builder("user-1", "login").userAgent("Mozilla/5.0 (X11)").build());
        answer.put("os", "changed afterwards");
        Activity second = enricher.enrich(Activity.builder("user-2", "login").userAgent("Mozilla/5.0 (X11)").build());

        assertThat(second.deviceInfo()).isSameAs(first.deviceInfo()).containsEntry("os", "Linux");
    }

    @Test
    void shouldResolveEveryActivityWithACacheSizeOfZero() {
        AtomicInteger resolved = new AtomicInteger();
        Enricher enricher = new Enricher(new SessionIdHasher(KEY), PrivacyPolicy.defaults(), ua -> {
            resolved.incrementAndGet();
            return Map.of("browser", "Chrome");
        }, 0, LocationResolver.NONE, listener);

        for (int i = 0; i < 3; i++) {
            enricher.enrich(Activity.builder("user-1", "login").userAgent("curl/8.0").build());
        }

        assertThat(resolved).hasValue(3);
    }

    @Test
    void shouldCountATooLargeDeviceAnswerAtEveryActivityAndCacheNothing() {
        AtomicInteger resolved = new AtomicInteger();
        Enricher enricher = enricher(PrivacyPolicy.defaults(), ua -> {
            resolved.incrementAndGet();
            return Map.of("blob", "x".repeat(20_000));
        }, LocationResolver.NONE);

        for (int i = 0; i < 2; i++) {
            Activity enriched = enricher.enrich(Activity.builder("user-1", "login").userAgent("curl/8.0").build());
            assertThat(enriched.deviceInfo()).isEmpty();
        }

        assertThat(resolved).hasValue(2);
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(2);
    }

    @Test
    void shouldRedactACachedDeviceAnswerForEveryActivityOfItsUserAgent() {
        Enricher enricher = enricher(PrivacyPolicy.defaults(), ua -> Map.of("browser", "Chrome", "api_key", "k-123"),
                LocationResolver.NONE);

        for (int i = 0; i < 2; i++) {
            Activity enriched = enricher.enrich(Activity.builder("user-1", "login").userAgent("curl/8.0").build());
            assertThat(enriched.deviceInfo()).containsEntry("browser", "Chrome").containsEntry("api_key", "[REDACTED]");
        }
    }
}
