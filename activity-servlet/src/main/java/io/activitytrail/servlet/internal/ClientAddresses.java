package io.activitytrail.servlet.internal;

import io.activitytrail.servlet.FilterSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's address as the filter settings say to find it: the socket peer, or, when the peer
 * is a trusted proxy, the address its forwarded headers name. Shared by the filter (what it logs)
 * and the API (what it rate-limits anonymous callers by), so that both trust the same headers.
 */
public final class ClientAddresses {

    /** The client's address (null when the peer's is not an IP address) and whether the peer is a trusted proxy. */
    public record Client(@Nullable String ip, boolean peerTrusted) {}

    private final ClientIpResolver resolver;
    private final String forwardedForHeader;
    private final boolean useForwardedHeader;

    public ClientAddresses(FilterSettings settings) {
        List<Cidr> proxies = new ArrayList<>();
        for (String p : settings.trustedProxies()) {
            proxies.add(Objects.requireNonNull(Cidr.parse(p), p));
        }
        this.resolver = new ClientIpResolver(proxies);
        this.forwardedForHeader = settings.forwardedForHeader();
        this.useForwardedHeader = settings.useForwardedHeader();
    }

    public Client resolve(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        byte[] peerAddress = IpAddresses.parse(peer);
        if (peerAddress == null) {
            return new Client(null, false);
        }
        if (!resolver.isTrusted(peerAddress)) {
            return new Client(IpAddresses.format(peerAddress), false);
        }
        return new Client(IpAddresses.format(resolver.clientBehind(peerAddress, headers(request, forwardedForHeader),
                useForwardedHeader ? headers(request, "Forwarded") : List.of())), true);
    }

    private static List<String> headers(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return first == null ? List.of() : List.of(first); // the usual case: one line
        }
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(Collections.list(values));
        return all;
    }

    @Override
    public String toString() {
        return "ClientAddresses[" + resolver + "]";
    }
}
