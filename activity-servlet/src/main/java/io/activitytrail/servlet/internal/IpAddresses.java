package io.activitytrail.servlet.internal;

import org.jspecify.annotations.Nullable;

/**
 * Parses and formats IP address literals without ever resolving a name: every input is text, and
 * a host name is simply not an address. Accepts what proxies and containers write: brackets around
 * IPv6, a port after either form, a zone id after IPv6 ({@code fe80::1%eth0}, dropped).
 */
public final class IpAddresses {
    private IpAddresses() {}

    /**
     * The 4 or 16 bytes of {@code text}, or null when it is not an address literal. IPv4-mapped
     * IPv6 ({@code ::ffff:192.0.2.1}) comes back as its 4 IPv4 bytes, so that both spellings are one
     * address. IPv4 parts with a leading zero are refused: some parsers read them as octal.
     */
    public static byte @Nullable [] parse(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String s = strip(text);
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !isPort(rest)) {
                return null;
            }
            return parseIpv6(s.substring(1, close));
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return parseIpv4(s);
        }
        if (s.indexOf(':', colon + 1) < 0) {
            // One colon: IPv4 with a port.
            return isPort(s.substring(colon)) ? parseIpv4(s.substring(0, colon)) : null;
        }
        return parseIpv6(s);
    }

    /** {@code text} normalised as a literal the core accepts, or null when it is not an address. */
    public static @Nullable String normalise(@Nullable String text) {
        byte[] bytes = parse(text);
        return bytes == null ? null : format(bytes);
    }

    /** Dotted quad for 4 bytes; RFC 5952 text (lower case, longest zero run as {@code ::}) for 16. */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        if (bestLength < 2) {
            bestStart = -1; // RFC 5952: a single zero group is not shortened
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** Only spaces and tabs (optional whitespace in HTTP): {@code trim()} would also take NUL and other controls. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isPort(String colonAndDigits) {
        int n = colonAndDigits.length();
        if (n < 2 || n > 6 || colonAndDigits.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = colonAndDigits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return Integer.parseInt(colonAndDigits.substring(1)) <= 65535;
    }

    static byte @Nullable [] parseIpv4(String s) {
        byte[] out = new byte[4];
        if (!parseIpv4Into(s, 0, s.length(), out, 0)) {
            return null;
        }
        return out;
    }

    private static boolean parseIpv4Into(String s, int from, int to, byte[] out, int offset) {
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return false;
                }
            }
            if (i == start || value > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                return false;
            }
            out[offset + part++] = (byte) value;
            if (i == to) {
                return part == 4;
            }
            if (part == 4 || s.charAt(i) != '.') {
                return false;
            }
            i++;
        }
    }

    static byte @Nullable [] parseIpv6(String text) {
        String s = text;
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (s.length() < 2 || s.length() > 45) {
            return null;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        int[] head = new int[8];
        int[] tail = new int[8];
        int headCount = 0;
        int tailCount = 0;
        byte[] embeddedIpv4 = null;
        String left = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
        String right = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
        String[][] sides = {left.isEmpty() ? new String[0] : left.split(":", -1),
                right.isEmpty() ? new String[0] : right.split(":", -1)};
        for (int side = 0; side < 2; side++) {
            String[] parts = sides[side];
            for (int p = 0; p < parts.length; p++) {
                String part = parts[p];
                boolean last = p == parts.length - 1 && (side == 1 || doubleColon < 0);
                if (last && part.indexOf('.') >= 0) {
                    embeddedIpv4 = parseIpv4(part);
                    if (embeddedIpv4 == null) {
                        return null;
                    }
                    continue;
                }
                int value = hexGroup(part);
                if (value < 0) {
                    return null;
                }
                if (side == 0) {
                    if (headCount == 8) {
                        return null;
                    }
                    head[headCount++] = value;
                } else {
                    if (tailCount == 8) {
                        return null;
                    }
                    tail[tailCount++] = value;
                }
            }
        }
        int groups = headCount + tailCount + (embeddedIpv4 != null ? 2 : 0);
        if (doubleColon >= 0 ? groups > 7 : groups != 8) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < headCount; i++) {
            out[2 * i] = (byte) (head[i] >> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        int tailEnd = embeddedIpv4 != null ? 12 : 16;
        int tailStart = tailEnd - 2 * tailCount;
        for (int i = 0; i < tailCount; i++) {
            out[tailStart + 2 * i] = (byte) (tail[i] >> 8);
            out[tailStart + 2 * i + 1] = (byte) tail[i];
        }
        if (embeddedIpv4 != null) {
            System.arraycopy(embeddedIpv4, 0, out, 12, 4);
        }
        return isIpv4Mapped(out) ? new byte[] {out[12], out[13], out[14], out[15]} : out;
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static int hexGroup(String part) {
        if (part.isEmpty() || part.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            int d = hexDigit(part.charAt(i));
            if (d < 0) {
                return -1;
            }
            value = value * 16 + d;
        }
        return value;
    }

    // Not Character.digit: it also takes non-ASCII digits, which no database parses.
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
