package io.activitytrail;

import static java.util.Objects.requireNonNull;

import io.activitytrail.internal.IpMask;
import io.activitytrail.internal.LocationGeneraliser;
import io.activitytrail.internal.Text;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What personal data the trail keeps, applied to every activity before it is stored, spooled to
 * disk or set aside as rejected (on every path: batch writes, the overflow spool, the shutdown
 * takeover, {@link ActivityTrail#logNow}). Set it with {@link ActivityTrail.Builder#privacy}.
 * Immutable and thread-safe.
 *
 * <p>The default policy ({@link #defaults()}):
 * <ul>
 *   <li>IP addresses masked to a network prefix ({@link IpMasking#PREFIX}): /24 for IPv4
 *       ({@code 203.0.113.77} is stored as {@code 203.0.113.0}), /48 for IPv6
 *       ({@code 2001:db8:1:2::5} as {@code 2001:db8:1::}). An IPv4-mapped IPv6 address
 *       ({@code ::ffff:203.0.113.77}) is stored as IPv4 under every setting. The location is
 *       resolved from the raw address before it is masked, and {@link ActivityTrail#query} masks
 *       the address it is asked for the same way, so a query by the raw address finds the rows.</li>
 *   <li>Secret keys ({@link #DEFAULT_SECRET_KEYS}): in {@code metadata}, {@code device_info} and
 *       {@code location_info}, at any depth, the value of a key that contains one of them is
 *       replaced by {@value #REDACTED}. Keys are compared case-insensitively with separators
 *       ignored ({@code X-Api-Key}, {@code access_token} and {@code sessionId} all match);
 *       secret keys of three characters or fewer ({@code ssn}, {@code cvv}) must be a whole word
 *       of the key, so that {@code className} is not taken for an {@code ssn}.</li>
 *   <li>Secret values ({@link #redactSecretValues()}): in the description and every string of
 *       those maps, a bearer token ({@code Bearer <token>}), a JSON Web Token (three base64url
 *       parts, the first starting {@code eyJ}) and a card number (13 to 19 digits starting
 *       with 2 to 6, as the card networks' do, spaces or dashes allowed between them, that pass the
 *       Luhn check) are replaced by {@value #REDACTED}.</li>
 *   <li>Location kept as resolved ({@link LocationPrecision#CITY}).</li>
 * </ul>
 */
public final class PrivacyPolicy {
    /** What replaces a secret. */
    public static final String REDACTED = "[REDACTED]";

    /** The secret keys of the default policy. */
    public static final List<String> DEFAULT_SECRET_KEYS = List.of(
            "password", "passwd", "pwd", "secret", "token", "authorization", "cookie", "api_key", "apikey",
            "session", "credit_card", "card_number", "cvv", "cvc", "ssn", "private_key");

    public static final int DEFAULT_IPV4_PREFIX = 24;
    public static final int DEFAULT_IPV6_PREFIX = 48;
    /** Longest secret key accepted. */
    public static final int MAX_SECRET_KEY_LENGTH = 64;

    private static final PrivacyPolicy DEFAULTS = builder().build();

    /** How IP addresses are stored. */
    public enum IpMasking {
        /** Only the network prefix ({@code ipv4Prefix}, {@code ipv6Prefix} bits); the rest is zero. */
        PREFIX,
        /** The whole address (IPv4-mapped IPv6 still becomes IPv4). */
        NONE,
        /** No address at all. */
        FULL
    }

    /** How much of a location is stored. */
    public enum LocationPrecision {
        /** Everything the resolver gave. */
        CITY,
        /** {@code country_code}, {@code country}, {@code continent_code}, {@code continent},
         *  {@code region}, {@code region_code}, {@code time_zone}: no city, postal code or coordinates. */
        REGION,
        /** {@code country_code}, {@code country}, {@code continent_code}, {@code continent} only. */
        COUNTRY;

        /**
         * {@code location} cut down to this precision (the same map when nothing is dropped); what
         * the policy does before storing, offered for views that show less than is stored.
         */
        public Map<String, Object> generalise(Map<String, Object> location) {
            return LocationGeneraliser.generalise(location, this);
        }
    }

    private final IpMasking ipMasking;
    private final int ipv4Prefix;
    private final int ipv6Prefix;
    private final List<String> secretKeys;
    private final boolean redactSecretValues;
    private final LocationPrecision locationPrecision;
    private final IpMask mask;

    private PrivacyPolicy(Builder b) {
        this.ipMasking = b.ipMasking;
        this.ipv4Prefix = b.ipv4Prefix;
        this.ipv6Prefix = b.ipv6Prefix;
        this.secretKeys = List.copyOf(b.secretKeys);
        this.redactSecretValues = b.redactSecretValues;
        this.locationPrecision = b.locationPrecision;
        this.mask = ipMasking == IpMasking.PREFIX ? new IpMask(ipv4Prefix, ipv6Prefix) : IpMask.NONE;
    }

    /** The default policy: masking on (/24, /48), default secret keys and values redacted, city-level location. */
    public static PrivacyPolicy defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ipMasking = ipMasking;
        b.ipv4Prefix = ipv4Prefix;
        b.ipv6Prefix = ipv6Prefix;
        b.secretKeys.clear();
        b.secretKeys.addAll(secretKeys);
        b.redactSecretValues = redactSecretValues;
        b.locationPrecision = locationPrecision;
        return b;
    }

    public IpMasking ipMasking() {
        return ipMasking;
    }

    /** Bits of an IPv4 address kept under {@link IpMasking#PREFIX}; default 24. */
    public int ipv4Prefix() {
        return ipv4Prefix;
    }

    /** Bits of an IPv6 address kept under {@link IpMasking#PREFIX}; default 48. */
    public int ipv6Prefix() {
        return ipv6Prefix;
    }

    /** Lower case, as given to the builder; unmodifiable. */
    public List<String> secretKeys() {
        return secretKeys;
    }

    /** Whether bearer tokens, JWTs and card numbers are redacted in text; default true. */
    public boolean redactSecretValues() {
        return redactSecretValues;
    }

    public LocationPrecision locationPrecision() {
        return locationPrecision;
    }

    /**
     * The address as this policy stores it: masked to the prefix, whole, or null under
     * {@link IpMasking#FULL}; IPv4-mapped IPv6 always as IPv4. Never resolves a name.
     *
     * @throws IllegalArgumentException when {@code ipAddress} is not an IPv4 or IPv6 literal
     */
    public @Nullable String maskIp(String ipAddress) {
        requireNonNull(ipAddress, "ipAddress");
        String masked = mask.mask(ipAddress);
        if (masked == null) {
            throw new IllegalArgumentException("ipAddress must be an IPv4 or IPv6 address, but was "
                    + Text.quoteForMessage(ipAddress));
        }
        return ipMasking == IpMasking.FULL ? null : masked;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PrivacyPolicy p && ipMasking == p.ipMasking && ipv4Prefix == p.ipv4Prefix
                && ipv6Prefix == p.ipv6Prefix && secretKeys.equals(p.secretKeys)
                && redactSecretValues == p.redactSecretValues && locationPrecision == p.locationPrecision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipMasking, ipv4Prefix, ipv6Prefix, secretKeys, redactSecretValues, locationPrecision);
    }

    @Override
    public String toString() {
        return "PrivacyPolicy[ipMasking=" + ipMasking + (ipMasking == IpMasking.PREFIX ? " /" + ipv4Prefix + " /"
                + ipv6Prefix : "") + ", secretKeys=" + secretKeys + ", redactSecretValues=" + redactSecretValues
                + ", locationPrecision=" + locationPrecision + "]";
    }

    /**
     * Builds a {@link PrivacyPolicy}, starting from the defaults. Each setter checks its value at
     * once and names a bad one. Not thread-safe.
     */
    public static final class Builder {
        private IpMasking ipMasking = IpMasking.PREFIX;
        private int ipv4Prefix = DEFAULT_IPV4_PREFIX;
        private int ipv6Prefix = DEFAULT_IPV6_PREFIX;
        private final List<String> secretKeys = new ArrayList<>(DEFAULT_SECRET_KEYS);
        private boolean redactSecretValues = true;
        private LocationPrecision locationPrecision = LocationPrecision.CITY;

        private Builder() {}

        /** How IP addresses are stored; default {@link IpMasking#PREFIX}. */
        public Builder ipMasking(IpMasking ipMasking) {
            this.ipMasking = requireNonNull(ipMasking, "ipMasking");
            return this;
        }

        /**
         * Bits of an IPv4 address kept under {@link IpMasking#PREFIX}; default 24, 0 to 32.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder ipv4Prefix(int ipv4Prefix) {
            if (ipv4Prefix < 0 || ipv4Prefix > 32) {
                throw new IllegalArgumentException("ipv4Prefix must be between 0 and 32, but was " + ipv4Prefix);
            }
            this.ipv4Prefix = ipv4Prefix;
            return this;
        }

        /**
         * Bits of an IPv6 address kept under {@link IpMasking#PREFIX}; default 48, 0 to 128.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder ipv6Prefix(int ipv6Prefix) {
            if (ipv6Prefix < 0 || ipv6Prefix > 128) {
                throw new IllegalArgumentException("ipv6Prefix must be between 0 and 128, but was " + ipv6Prefix);
            }
            this.ipv6Prefix = ipv6Prefix;
            return this;
        }

        /**
         * Replaces the secret keys (default {@link #DEFAULT_SECRET_KEYS}); an empty collection
         * redacts no key. Each is matched case-insensitively, separators ignored, as a part of a
         * key (a whole word for keys of three characters or fewer).
         *
         * @throws IllegalArgumentException when a key has no letter or digit, or is longer than
         *     {@value #MAX_SECRET_KEY_LENGTH} characters
         */
        public Builder secretKeys(Collection<String> secretKeys) {
            requireNonNull(secretKeys, "secretKeys");
            List<String> checked = new ArrayList<>(secretKeys.size());
            for (String key : secretKeys) {
                checked.add(checkSecretKey(key));
            }
            this.secretKeys.clear();
            this.secretKeys.addAll(checked);
            return this;
        }

        /**
         * Adds secret keys to those set so far (the defaults, unless replaced).
         *
         * @throws IllegalArgumentException as {@link #secretKeys(Collection)}
         */
        public Builder addSecretKeys(String... secretKeys) {
            List<String> checked = new ArrayList<>(secretKeys.length);
            for (String key : secretKeys) {
                checked.add(checkSecretKey(key));
            }
            for (String key : checked) {
                if (!this.secretKeys.contains(key)) {
                    this.secretKeys.add(key);
                }
            }
            return this;
        }

        private static String checkSecretKey(@Nullable String key) {
            if (key == null) {
                throw new IllegalArgumentException("secret keys must not be null");
            }
            if (key.length() > MAX_SECRET_KEY_LENGTH) {
                throw new IllegalArgumentException("a secret key must be at most " + MAX_SECRET_KEY_LENGTH
                        + " characters, but was " + Text.quoteForMessage(key));
            }
            boolean hasLetterOrDigit = false;
            for (int i = 0; i < key.length() && !hasLetterOrDigit; i++) {
                char c = key.charAt(i);
                hasLetterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            }
            if (!hasLetterOrDigit) {
                throw new IllegalArgumentException("a secret key must hold an ASCII letter or digit, but was "
                        + Text.quoteForMessage(key));
            }
            return key.toLowerCase(Locale.ROOT);
        }

        /** Redact bearer tokens, JWTs and Luhn-valid card numbers in text; default true. */
        public Builder redactSecretValues(boolean redactSecretValues) {
            this.redactSecretValues = redactSecretValues;
            return this;
        }

        /** How much of a location is kept; default {@link LocationPrecision#CITY} (all of it). */
        public Builder locationPrecision(LocationPrecision locationPrecision) {
            this.locationPrecision = requireNonNull(locationPrecision, "locationPrecision");
            return this;
        }

        public PrivacyPolicy build() {
            return new PrivacyPolicy(this);
        }
    }
}
