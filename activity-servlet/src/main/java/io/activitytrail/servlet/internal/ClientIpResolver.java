package io.activitytrail.servlet.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Finds the client's address the way Tomcat's {@code RemoteIpValve} does: the socket peer, unless
 * the peer is a trusted proxy; then the forwarding header is read from the right (the hop nearest
 * to us, the only one a trusted proxy vouches for), skipping trusted proxies, up to the first
 * address that is not one. Everything to the left of it was written by the client and is ignored,
 * so a client cannot choose its own address by sending {@code X-Forwarded-For: 1.2.3.4}. Unlike a
 * leftmost-value reading (Spring's {@code ForwardedHeaderFilter}), this cannot be spoofed through
 * a trusted proxy that appends.
 *
 * <p>A malformed entry met on the walk makes the whole header untrustworthy: the peer is used.
 * Immutable and thread-safe.
 */
public final class ClientIpResolver {
    private static final int MAX_HEADER_CHARS = 16 * 1024;

    private final List<Cidr> trustedProxies;

    public ClientIpResolver(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    public boolean hasTrustedProxies() {
        return !trustedProxies.isEmpty();
    }

    public boolean isTrusted(byte @Nullable [] address) {
        if (address == null) {
            return false;
        }
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client address as a normalised literal, or null when even the peer is not an address.
     *
     * @param peer the socket peer ({@code getRemoteAddr()})
     * @param forwardedFor every {@code X-Forwarded-For} line, in order
     * @param forwarded every RFC 7239 {@code Forwarded} line, in order; read instead of
     *     {@code forwardedFor} when not empty
     */
    public @Nullable String resolve(@Nullable String peer, List<String> forwardedFor, List<String> forwarded) {
        byte[] peerAddress = IpAddresses.parse(peer);
        if (peerAddress == null) {
            return null;
        }
        if (!isTrusted(peerAddress)) {
            return IpAddresses.format(peerAddress);
        }
        return IpAddresses.format(clientBehind(peerAddress, forwardedFor, forwarded));
    }

    /**
     * The client's address when the socket peer {@code trustedPeer} is a trusted proxy: what its
     * forwarding headers name, walked from the right (see the class comment).
     */
    public byte[] clientBehind(byte[] trustedPeer, List<String> forwardedFor, List<String> forwarded) {
        return !forwarded.isEmpty() ? walkForwarded(trustedPeer, joined(forwarded))
                : !forwardedFor.isEmpty() ? walkForwardedFor(trustedPeer, joined(forwardedFor))
                : trustedPeer;
    }

    private static String joined(List<String> lines) {
        return lines.size() == 1 ? lines.get(0) : String.join(",", lines);
    }

    private byte[] walkForwardedFor(byte[] peer, String header) {
        if (header.length() > MAX_HEADER_CHARS) {
            return peer;
        }
        byte[] lastKnown = peer;
        int end = header.length();
        while (end >= 0) {
            int comma = header.lastIndexOf(',', end - 1);
            String entry = IpAddresses.strip(header.substring(comma + 1, end));
            end = comma;
            if (entry.isEmpty()) {
                continue;
            }
            byte[] address = IpAddresses.parse(entry);
            if (address == null) {
                return peer;
            }
            if (!isTrusted(address)) {
                return address;
            }
            lastKnown = address;
        }
        return lastKnown; // every hop is a trusted proxy: the farthest one is the client
    }

    private byte[] walkForwarded(byte[] peer, String header) {
        if (header.length() > MAX_HEADER_CHARS) {
            return peer;
        }
        List<String> nodes = forNodes(header);
        if (nodes == null) {
            return peer;
        }
        byte[] lastKnown = peer;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            String node = nodes.get(i);
            if (node.equalsIgnoreCase("unknown") || node.startsWith("_")) {
                // RFC 7239 6.2, 6.3: the hop is hidden; what is left of it cannot be vouched for.
                return lastKnown;
            }
            byte[] address = parseNode(node);
            if (address == null) {
                return peer;
            }
            if (!isTrusted(address)) {
                return address;
            }
            lastKnown = address;
        }
        return lastKnown;
    }

    /** The {@code for=} value of each element, unquoted; null when the header is malformed. */
    static @Nullable List<String> forNodes(String header) {
        List<String> nodes = new ArrayList<>();
        @Nullable String forValue = null;
        StringBuilder name = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean elementEmpty = true;
        for (int i = 0; i <= header.length(); i++) {
            char c = i < header.length() ? header.charAt(i) : ',';
            if (quoted) {
                if (c == '\\' && i + 1 < header.length()) {
                    value.append(header.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else if (i == header.length()) {
                    return null; // unterminated quoted string
                } else {
                    value.append(c);
                }
                continue;
            }
            if (c == ';' || c == ',') {
                if (inValue || name.length() > 0) {
                    if (!inValue) {
                        return null; // a pair without '='
                    }
                    String pairName = IpAddresses.strip(name.toString());
                    if (pairName.equalsIgnoreCase("for")) {
                        if (forValue != null) {
                            return null; // two for= in one element
                        }
                        forValue = wasQuoted ? value.toString() : IpAddresses.strip(value.toString());
                    }
                    elementEmpty = false;
                }
                name.setLength(0);
                value.setLength(0);
                inValue = false;
                wasQuoted = false;
                if (c == ',') {
                    if (!elementEmpty) {
                        if (forValue == null) {
                            return null; // an element without for= says nothing of the client
                        }
                        nodes.add(forValue);
                    }
                    forValue = null;
                    elementEmpty = true;
                }
            } else if (!inValue && c == '=') {
                inValue = true;
            } else if (inValue) {
                if (c == '"' && value.toString().isBlank()) {
                    quoted = true;
                    wasQuoted = true;
                    value.setLength(0);
                } else if (wasQuoted && c != ' ' && c != '\t') {
                    return null; // text after a closing quote
                } else {
                    value.append(c);
                }
            } else {
                name.append(c);
            }
        }
        return nodes;
    }

    /** A {@code for=} node: IPv4, {@code [IPv6]}, either with a port, the port maybe obfuscated. */
    static byte @Nullable [] parseNode(String node) {
        String s = IpAddresses.strip(node);
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || !isNodePort(s.substring(close + 1))) {
                return null;
            }
            byte[] address = IpAddresses.parseIpv6(s.substring(1, close));
            return address;
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && s.indexOf(':', colon + 1) < 0) {
            return isNodePort(s.substring(colon)) ? IpAddresses.parseIpv4(s.substring(0, colon)) : null;
        }
        // Unbracketed IPv6 breaks RFC 7239's syntax but some proxies write it; it has no port then.
        return colon >= 0 ? IpAddresses.parseIpv6(s) : IpAddresses.parseIpv4(s);
    }

    private static boolean isNodePort(String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        if (rest.length() < 2 || rest.length() > 32 || rest.charAt(0) != ':') {
            return false;
        }
        String port = rest.substring(1);
        if (port.startsWith("_")) {
            return port.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-');
        }
        return port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(port) <= 65535;
    }

    @Override
    public String toString() {
        return "ClientIpResolver" + trustedProxies.toString().toLowerCase(Locale.ROOT);
    }
}
