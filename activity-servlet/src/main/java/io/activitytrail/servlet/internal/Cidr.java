package io.activitytrail.servlet.internal;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address). Immutable. */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** The network written as {@code address[/prefix]}, or null when it is not one. */
    public static @Nullable Cidr parse(String text) {
        String s = IpAddresses.strip(text);
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (address.startsWith("[") || (address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':'))) {
            return null; // a port has no place in a network
        }
        byte[] bytes = IpAddresses.parse(address);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            prefix = Integer.parseInt(p);
            boolean mapped = bytes.length == 4 && address.indexOf(':') >= 0;
            if (mapped) {
                prefix -= 96; // ::ffff:10.0.0.0/104 is 10.0.0.0/8
            }
            if (prefix < 0 || prefix > bits) {
                return null;
            }
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this network. */
    public boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(mask(address, prefixLength), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] = (byte) (out[i] & (0xff00 >> keep));
        }
        return out;
    }

    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefixLength;
    }
}
