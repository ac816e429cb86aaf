package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.PrivacyPolicy.LocationPrecision;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocationGeneraliserTest {
    private static final Map<String, Object> CITY = city();

    private static Map<String, Object> city() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("country_code", "GB");
        m.put("country", "United Kingdom");
        m.put("continent_code", "EU");
        m.put("region", "England");
        m.put("region_code", "ENG");
        m.put("city", "Boxford");
        m.put("postal_code", "OX1");
        m.put("latitude", 51.75);
        m.put("longitude", -1.25);
        m.put("time_zone", "Europe/London");
        m.put("street", "from a custom resolver");
        return Map.copyOf(m);
    }

    @Test
    void shouldKeepEverythingAtCityPrecision() {
        assertThat(LocationGeneraliser.generalise(CITY, LocationPrecision.CITY)).isSameAs(CITY);
    }

    @Test
    void shouldDropCityPostalCodeAndCoordinatesAtRegionPrecision() {
        assertThat(LocationGeneraliser.generalise(CITY, LocationPrecision.REGION)).containsOnlyKeys(
                "country_code", "country", "continent_code", "region", "region_code", "time_zone");
    }

    @Test
    void shouldKeepOnlyCountryFieldsAtCountryPrecision() {
        assertThat(LocationGeneraliser.generalise(CITY, LocationPrecision.COUNTRY))
                .containsOnlyKeys("country_code", "country", "continent_code");
    }

    @Test
    void shouldReturnTheSameMapWhenNothingIsDropped() {
        Map<String, Object> country = Map.of("country_code", "NL");

        assertThat(LocationGeneraliser.generalise(country, LocationPrecision.COUNTRY)).isSameAs(country);
    }
}
