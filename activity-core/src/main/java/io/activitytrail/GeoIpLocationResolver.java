package io.activitytrail;

import static java.util.Objects.requireNonNull;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import com.maxmind.geoip2.record.Continent;
import com.maxmind.geoip2.record.Country;
import com.maxmind.geoip2.record.Location;
import com.maxmind.geoip2.record.Subdivision;
import io.activitytrail.internal.IpMask;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LocationResolver} on a MaxMind GeoIP2 or GeoLite2 database file (City or Country; the
 * file is memory-mapped). geoip2 is an optional dependency of activity-core: add
 * {@code com.maxmind.geoip2:geoip2} to use it.
 *
 * <pre>{@code
 * GeoIpLocationResolver geo = GeoIpLocationResolver.open(Path.of("/var/lib/GeoIP/GeoLite2-City.mmdb"));
 * ActivityTrail trail = ActivityTrail.builder().store(store).locationResolver(geo).build();
 * // after trail.close():
 * geo.close();
 * }</pre>
 *
 * <p>Keys ({@code location_info}), each only when the database knows it: {@code country_code}
 * (ISO 3166-1), {@code country}, {@code continent_code}, {@code continent}, and from a City
 * database also {@code region} and {@code region_code} (the most specific subdivision),
 * {@code city}, {@code postal_code}, {@code latitude}, {@code longitude}, {@code time_zone}. Names
 * are English. An address the database does not hold (private, loopback, unknown) gives an empty
 * map. The privacy policy's {@link PrivacyPolicy.LocationPrecision} then decides what is kept.
 *
 * <p>Thread-safe (MaxMind's reader is); called on the writer thread. Never resolves a host name:
 * only IP literals are looked up.
 */
public final class GeoIpLocationResolver implements LocationResolver, Closeable {
    private final DatabaseReader reader;
    private final boolean city;

    private GeoIpLocationResolver(DatabaseReader reader, boolean city) {
        this.reader = reader;
        this.city = city;
    }

    /**
     * Opens a database file.
     *
     * @throws IOException when the file cannot be read or is not a MaxMind DB
     * @throws IllegalArgumentException when it is neither a City nor a Country database (an ASN
     *     database, say)
     */
    public static GeoIpLocationResolver open(Path database) throws IOException {
        requireNonNull(database, "database");
        DatabaseReader reader = new DatabaseReader.Builder(database.toFile()).withCache(new CHMCache()).build();
        String type = reader.getMetadata().databaseType();
        boolean city = type.contains("City") || type.contains("Enterprise");
        if (!city && !type.contains("Country")) {
            reader.close();
            throw new IllegalArgumentException("database must be a GeoIP2/GeoLite2 City or Country database, but "
                    + database + " is " + type);
        }
        return new GeoIpLocationResolver(reader, city);
    }

    /**
     * {@inheritDoc}
     *
     * @throws UncheckedIOException when the database cannot be read
     */
    @Override
    public Map<String, Object> resolve(String ipAddress) {
        byte[] bytes = IpMask.toBytes(requireNonNull(ipAddress, "ipAddress"));
        if (bytes == null) {
            return Map.of();
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(bytes); // bytes, not a name: no lookup
        } catch (UnknownHostException e) {
            return Map.of();
        }
        try {
            Map<String, Object> out = new LinkedHashMap<>();
            if (city) {
                Optional<CityResponse> response = reader.tryCity(address);
                if (response.isEmpty()) {
                    return Map.of();
                }
                CityResponse r = response.get();
                country(out, r.country(), r.continent());
                Subdivision region = r.mostSpecificSubdivision();
                if (region != null) {
                    put(out, "region", region.name());
                    put(out, "region_code", region.isoCode());
                }
                if (r.city() != null) {
                    put(out, "city", r.city().name());
                }
                if (r.postal() != null) {
                    put(out, "postal_code", r.postal().code());
                }
                Location location = r.location();
                if (location != null) {
                    put(out, "latitude", location.latitude());
                    put(out, "longitude", location.longitude());
                    put(out, "time_zone", location.timeZone());
                }
            } else {
                Optional<CountryResponse> response = reader.tryCountry(address);
                if (response.isEmpty()) {
                    return Map.of();
                }
                country(out, response.get().country(), response.get().continent());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeoIp2Exception e) {
            throw new IllegalStateException("GeoIP2 lookup failed: " + e.getMessage(), e);
        }
    }

    private static void country(Map<String, Object> out, @Nullable Country country, @Nullable Continent continent) {
        if (country != null) {
            put(out, "country_code", country.isoCode());
            put(out, "country", country.name());
        }
        if (continent != null) {
            put(out, "continent_code", continent.code());
            put(out, "continent", continent.name());
        }
    }

    private static void put(Map<String, Object> out, String key, @Nullable Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    /** Closes the database file. Call it after the trail that uses it is closed. */
    @Override
    public void close() throws IOException {
        reader.close();
    }

    @Override
    public String toString() {
        return "GeoIpLocationResolver[" + reader.getMetadata().databaseType() + "]";
    }
}
