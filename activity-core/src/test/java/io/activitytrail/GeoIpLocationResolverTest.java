package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against MaxMind's public test databases (src/test/resources/geoip, see the README there). */
class GeoIpLocationResolverTest {

    static Path database(String name) {
        try {
            return Path.of(GeoIpLocationResolverTest.class.getResource("/geoip/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldResolveCityRegionAndCoordinatesFromACityDatabase() throws IOException {
        try (GeoIpLocationResolver geo = GeoIpLocationResolver.open(database("GeoLite2-City-Test.mmdb"))) {
            Map<String, Object> location = geo.resolve("81.2.69.160");

            assertThat(location).containsEntry("country_code", "GB").containsEntry("country", "United Kingdom")
                    .containsEntry("continent_code", "EU").containsEntry("city", "London")
                    .containsEntry("region", "England").containsEntry("region_code", "ENG")
                    .containsEntry("time_zone", "Europe/London")
                    .containsKeys("latitude", "longitude");
        }
    }

    @Test
    void shouldResolveIpv6AndMappedIpv4() throws IOException {
        try (GeoIpLocationResolver geo = GeoIpLocationResolver.open(database("GeoLite2-City-Test.mmdb"))) {
            assertThat(geo.resolve("2001:218::1")).containsEntry("country_code", "JP");
            assertThat(geo.resolve("::ffff:216.160.83.58")).containsEntry("country_code", "US");
        }
    }

    @Test
    void shouldResolveOnlyTheCountryFromACountryDatabase() throws IOException {
        try (GeoIpLocationResolver geo = GeoIpLocationResolver.open(database("GeoLite2-Country-Test.mmdb"))) {
            Map<String, Object> location = geo.resolve("216.160.83.58");

            assertThat(location).containsEntry("country_code", "US").doesNotContainKeys("city", "latitude");
        }
    }

    @Test
    void shouldKnowNothingOfPrivateAddressesAndNames() throws IOException {
        try (GeoIpLocationResolver geo = GeoIpLocationResolver.open(database("GeoLite2-City-Test.mmdb"))) {
            assertThat(geo.resolve("10.0.0.1")).isEmpty();
            assertThat(geo.resolve("127.0.0.1")).isEmpty();
            assertThat(geo.resolve("localhost")).isEmpty(); // never resolved as a name
        }
    }

    @Test
    void shouldRefuseAFileThatIsNoMaxMindDatabase(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.mmdb"), "not a database");

        assertThatThrownBy(() -> GeoIpLocationResolver.open(junk)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldFeedTheTrailBeforeTheIpIsMasked() throws IOException {
        InMemoryActivityStore store = new InMemoryActivityStore();
        try (GeoIpLocationResolver geo = GeoIpLocationResolver.open(database("GeoLite2-City-Test.mmdb"))) {
            Path spool = Files.createTempDirectory("geo-spool");
            try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spool)
                    .deviceResolver(DeviceResolver.NONE).locationResolver(geo)
                    .privacy(PrivacyPolicy.builder().locationPrecision(PrivacyPolicy.LocationPrecision.REGION).build())
                    .build()) {
                trail.log(Activity.builder("user-1", "login").ipAddress("81.2.69.160").build());
                trail.flush();
                Activity stored = trail.query(ActivityQuery.forUser("user-1").build()).activities().get(0);

                assertThat(stored.ipAddress()).isEqualTo("81.2.69.0");
                assertThat(stored.locationInfo()).containsEntry("country_code", "GB").containsEntry("region", "England")
                        .doesNotContainKeys("city", "latitude", "longitude", "postal_code");
            }
        }
    }
}
