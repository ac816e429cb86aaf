package io.activitytrail.spring.internal;

import io.activitytrail.servlet.AccessPolicy;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The access policy on the authorities of Spring Security's context. A role matches an authority
 * of the same name or with the {@code ROLE_} prefix, ignoring the case of ASCII letters only
 * ({@code admin} matches {@code ROLE_ADMIN}, not {@code ROLE_ADMİN}), so that
 * {@code roles("ADMIN")} and {@code authorities("admin")} both work.
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
        String wanted = asciiLowerCase(role);
        for (GrantedAuthority granted : authentication.getAuthorities()) {
            String authority = granted.getAuthority();
            if (authority == null) {
                continue;
            }
            String held = asciiLowerCase(authority);
            if (held.equals(wanted) || held.equals("role_" + wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code s} with A to Z lower-cased and nothing else: equalsIgnoreCase, and even
     * toLowerCase(Locale.ROOT), fold other letters onto ASCII ones (the dotted capital I, the
     * dotless i, the Kelvin sign), which would let a look-alike authority pass for a role.
     */
    private static String asciiLowerCase(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    @Override
    public String toString() {
        return "AuthoritiesAccessPolicy(" + adminRole + ", " + supportRole + ", " + viewPermission + ")";
    }
}
