package io.activitytrail.internal;

import org.jspecify.annotations.Nullable;

/**
 * Masks IP address literals to a network prefix: {@code 203.0.113.77} with /24 becomes
 * {@code 203.0.113.0}, {@code 2001:db8:1:2::5} with /48 becomes {@code 2001:db8:1::}. An
 * IPv4-mapped IPv6 address ({@code ::ffff:203.0.113.77}) is treated, and written, as the IPv4
 * address it maps, so both forms end up as one value.
 *
 * <p>Pure string and bit work: never resolves a name, never calls {@code InetAddress}. Immutable
 * and thread-safe; an address that is masked already comes back as the same instance, so masking
 * twice (a replay of the spool, say) is harmless and allocates nothing.
 */
public final class IpMask {
    /** Keeps the whole address; only folds IPv4-mapped IPv6 into IPv4. */
    public static final IpMask NONE = new IpMask(32, 128);

    private final int ipv4Prefix;
    private final int ipv6Prefix;

    /**
     * @param ipv4Prefix bits of an IPv4 address kept, 0 to 32
     * @param ipv6Prefix bits of an IPv6 address kept, 0 to 128
     */
    public IpMask(int ipv4Prefix, int ipv6Prefix) {
        if (ipv4Prefix < 0 || ipv4Prefix > 32) {
            throw new IllegalArgumentException("ipv4Prefix must be between 0 and 32, but was " + ipv4Prefix);
        }
        if (ipv6Prefix < 0 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("ipv6Prefix must be between 0 and 128, but was " + ipv6Prefix);
        }
        this.ipv4Prefix = ipv4Prefix;
        this.ipv6Prefix = ipv6Prefix;
    }

    /**
     * The masked literal, or null when {@code ip} is not an IP literal (the caller then must not
     * keep it: an address that cannot be masked is not stored).
     */
    public @Nullable String mask(String ip) {
        if (ip.indexOf(':') < 0) {
            long v4 = parseIpv4(ip, 0, ip.length());
            return v4 < 0 ? null : maskIpv4(ip, (int) v4);
        }
        long[] v6 = parseIpv6(ip);
        if (v6 == null) {
            return null;
        }
        if (v6[0] == 0 && (v6[1] >>> 32) == 0xFFFFL) {
            return maskIpv4(null, (int) v6[1]);
        }
        long hi = v6[0] & highMask(ipv6Prefix);
        long lo = v6[1] & highMask(ipv6Prefix - 64);
        if (ipv6Prefix == 128) {
            return ip; // kept whole, as given (the store normalises its spelling)
        }
        String masked = formatIpv6(hi, lo);
        return masked.equals(ip) ? ip : masked;
    }

    private String maskIpv4(@Nullable String given, int address) {
        int masked = ipv4Prefix == 0 ? 0 : address & (-1 << (32 - ipv4Prefix));
        if (given != null && masked == address && isCanonicalIpv4(given)) {
            return given;
        }
        return ((masked >>> 24) & 0xFF) + "." + ((masked >>> 16) & 0xFF) + "." + ((masked >>> 8) & 0xFF) + "."
                + (masked & 0xFF);
    }

    /** A mask of the top {@code bits} bits of a long; 0 for bits &lt;= 0, all ones for bits &gt;= 64. */
    private static long highMask(int bits) {
        if (bits <= 0) {
            return 0;
        }
        return bits >= 64 ? -1L : -1L << (64 - bits);
    }

    /** No leading zeros, so that "010.0.0.1" is written as "10.0.0.1". */
    private static boolean isCanonicalIpv4(String s) {
        for (int i = 0; i + 1 < s.length(); i++) {
            if (s.charAt(i) == '0' && (i == 0 || s.charAt(i - 1) == '.') && s.charAt(i + 1) != '.') {
                return false;
            }
        }
        return true;
    }

    /** The address as an unsigned 32-bit value, or -1 when it is not dotted-quad IPv4. */
    static long parseIpv4(String s, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int start = i;
            int part = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                part = part * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || part > 255) {
                return -1;
            }
            value = (value << 8) | part;
            parts++;
            if (parts < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    /** {high 64 bits, low 64 bits}, or null when it is not an IPv6 literal. */
    static long @Nullable [] parseIpv6(String s) {
        int n = s.length();
        if (n < 2 || n > 45) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return new long[] {0, 0};
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            int digit;
            while (i < n && i - start < 5 && (digit = hexDigit(s.charAt(i))) >= 0) {
                value = (value << 4) | digit;
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                long v4 = parseIpv4(s, start, n);
                if (v4 < 0 || count > 6) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                i = n;
                break;
            }
            if (i == start || i - start > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        int missing = 8 - count;
        for (int g = 0, k = 0; g < 8; g++) {
            int value;
            if (gap >= 0 && g >= gap && g < gap + missing) {
                value = 0;
            } else {
                value = groups[k++];
            }
            if (g < 4) {
                hi = (hi << 16) | value;
            } else {
                lo = (lo << 16) | value;
            }
        }
        return new long[] {hi, lo};
    }

    /** Not Character.digit: it also takes full-width and other non-ASCII digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /**
     * The 4 (IPv4, also for IPv4-mapped IPv6) or 16 bytes of an address literal, or null when
     * {@code ip} is not one; for {@code InetAddress.getByAddress}, which never resolves a name.
     */
    public static byte @Nullable [] toBytes(String ip) {
        if (ip.indexOf(':') < 0) {
            long v4 = parseIpv4(ip, 0, ip.length());
            return v4 < 0 ? null : ipv4Bytes((int) v4);
        }
        long[] v6 = parseIpv6(ip);
        if (v6 == null) {
            return null;
        }
        if (v6[0] == 0 && (v6[1] >>> 32) == 0xFFFFL) {
            return ipv4Bytes((int) v6[1]);
        }
        byte[] bytes = new byte[16];
        for (int k = 0; k < 8; k++) {
            bytes[k] = (byte) (v6[0] >>> (56 - 8 * k));
            bytes[k + 8] = (byte) (v6[1] >>> (56 - 8 * k));
        }
        return bytes;
    }

    private static byte[] ipv4Bytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    static String formatIpv6(long hi, long lo) {
        int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) ((hi >>> (48 - 16 * k)) & 0xFFFF);
            g[k + 4] = (int) ((lo >>> (48 - 16 * k)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - start > bestLength) {
                bestStart = start;
                bestLength = k - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                out.append("::");
                k += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[k]));
        }
        return out.toString();
    }
}
