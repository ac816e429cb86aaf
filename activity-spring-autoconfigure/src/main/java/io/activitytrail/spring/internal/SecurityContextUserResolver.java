package io.activitytrail.spring.internal;

import io.activitytrail.UserResolver;
import io.activitytrail.spring.AuthenticationUserId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The signed-in user of Spring Security, as {@link AuthenticationUserId} names it; nobody for an
 * anonymous or unauthenticated one. The filter runs before Spring Security's chain (so that it
 * sees the requests the chain refuses), where {@link SecurityContextHolder} is not yet set when
 * the request starts and is cleared again when it completes. So the authentication is looked for
 * where Spring Security keeps it between its filters and between requests: the holder (inside
 * the chain), then the request attribute of {@link RequestAttributeSecurityContextRepository}
 * (what a sign-in, basic or bearer authentication or a sign-out saved during this request), then
 * the session attribute of {@link HttpSessionSecurityContextRepository} (a session's sign-in; the
 * session is never created).
 */
public final class SecurityContextUserResolver implements UserResolver<HttpServletRequest> {
    private final AuthenticationUserId userId;

    public SecurityContextUserResolver(AuthenticationUserId userId) {
        this.userId = userId;
    }

    @Override
    public Optional<String> resolve(HttpServletRequest request) {
        return userId(userId, authentication(request));
    }

    /** The user id of {@code authentication} (null for nobody); empty when the function gives none or a blank one. */
    static Optional<String> userId(AuthenticationUserId userId, @Nullable Authentication authentication) {
        if (authentication == null) {
            return Optional.empty();
        }
        Optional<String> id = userId.userId(authentication);
        return id == null ? Optional.empty() : id.filter(value -> !value.isBlank());
    }

    /** The signed-in authentication of Spring Security's holder (a thread inside its chain, a bean method's); null for nobody. */
    static @Nullable Authentication current() {
        return signedIn(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The signed-in authentication of {@code request}, wherever Spring Security keeps it now; null for nobody. */
    static @Nullable Authentication authentication(HttpServletRequest request) {
        Authentication held = SecurityContextHolder.getContext().getAuthentication();
        if (held != null) {
            // Inside the chain the holder is the truth, an anonymous token included.
            return signedIn(held);
        }
        Object saved = request.getAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME);
        if (saved instanceof SecurityContext context) {
            // Saved during this request: a sign-in, a stateless authentication, or a sign-out (empty).
            return signedIn(context.getAuthentication());
        }
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        Object stored;
        try {
            stored = session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        } catch (IllegalStateException invalidated) {
            return null;
        }
        return stored instanceof SecurityContext context ? signedIn(context.getAuthentication()) : null;
    }

    /** {@code authentication} when it is a signed-in user's, else null. */
    static @Nullable Authentication signedIn(@Nullable Authentication authentication) {
        return authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken ? null : authentication;
    }
}
