package io.activitytrail.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.MDC;

/**
 * Runs before ActivityFilter in the test containers: signs in the user named by {@code X-Principal}
 * (as container authentication would, through {@code getUserPrincipal()}), and records what the MDC
 * holds after ActivityFilter returned, to show the request id is removed.
 */
final class ProbeFilter implements Filter {
    final ConcurrentLinkedQueue<Optional<String>> mdcAfter = new ConcurrentLinkedQueue<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String name = http.getHeader("X-Principal");
        ServletRequest passed = name == null ? request : new HttpServletRequestWrapper(http) {
            @Override
            public Principal getUserPrincipal() {
                return () -> name;
            }
        };
        try {
            chain.doFilter(passed, response);
        } finally {
            if (request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                mdcAfter.add(Optional.ofNullable(MDC.get("requestId")));
            }
        }
    }
}
