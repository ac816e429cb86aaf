package io.activitytrail.spring.internal;

import io.activitytrail.UserResolver;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The signed-in user of Spring Security's context: its name, or nobody for an anonymous or unauthenticated one. */
public final class SecurityContextUserResolver implements UserResolver<HttpServletRequest> {
    @Override
    public Optional<String> resolve(HttpServletRequest request) {
        return current();
    }

    static Optional<String> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated() || authentication instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        String name = authentication.getName();
        return name == null || name.isBlank() ? Optional.empty() : Optional.of(name);
    }
}
