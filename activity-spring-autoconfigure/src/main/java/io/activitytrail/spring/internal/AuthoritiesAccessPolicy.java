package io.activitytrail.spring.internal;

import io.activitytrail.servlet.AccessPolicy;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The access policy on the authorities of Spring Security's context. A role matches an authority
 * of the same name or with the {@code ROLE_} prefix, ignoring case ({@code admin} matches
 * {@code ROLE_ADMIN}), so that {@code roles("ADMIN")} and {@code authorities("admin")} both work.
 */
public final class AuthoritiesAccessPolicy implements AccessPolicy {
    private final String adminRole;
    private final String supportRole;
    private final String viewPermission;

    public AuthoritiesAccessPolicy(String adminRole, String supportRole, String viewPermission) {
        this.adminRole = adminRole;
        this.supportRole = supportRole;
        this.viewPermission = viewPermission;
    }

    @Override
    public Role role(HttpServletRequest request, String callerId) {
        if (has(callerId, adminRole)) {
            return Role.ADMIN;
        }
        return has(callerId, supportRole) ? Role.SUPPORT : Role.USER;
    }

    @Override
    public boolean canRead(HttpServletRequest request, String callerId, String targetUserId) {
        return has(callerId, adminRole) || (has(callerId, supportRole) && has(callerId, viewPermission));
    }

    @Override
    public boolean canErase(HttpServletRequest request, String callerId, String targetUserId) {
        return has(callerId, adminRole);
    }

    /**
     * Whether the security context's authentication, a signed-in one, holds {@code role}. The
     * caller id is not compared with the authentication's name: it is whatever the host's
     * {@code AuthenticationUserId} made of that same authentication (the API servlet runs inside
     * the security chain, so the context is this request's).
     */
    private static boolean has(String callerId, String role) {
        Authentication authentication = SecurityContextUserResolver.current();
        if (authentication == null) {
            return false;
        }
        for (GrantedAuthority granted : authentication.getAuthorities()) {
            String authority = granted.getAuthority();
            if (authority != null && (authority.equalsIgnoreCase(role) || authority.equalsIgnoreCase("ROLE_" + role))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "AuthoritiesAccessPolicy(" + adminRole + ", " + supportRole + ", " + viewPermission + ")";
    }
}
