package io.activitytrail.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.servlet.AccessPolicy.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;

/** The roles of the signed-in authentication, matched as the property says and no looser. */
class AuthoritiesAccessPolicyTest {
    private final AuthoritiesAccessPolicy policy = new AuthoritiesAccessPolicy("admin", "support", "view_user_activities");
    private final MockHttpServletRequest request = new MockHttpServletRequest();

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private Role roleWith(String... authorities) {
        SecurityContextHolder.setContext(new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(
                "someone", null, AuthorityUtils.createAuthorityList(authorities))));
        return policy.role(request, "caller-id");
    }

    @Test
    void shouldMatchTheRoleWithOrWithoutThePrefixInAnyAsciiCase() {
        assertThat(roleWith("ROLE_ADMIN")).isEqualTo(Role.ADMIN);
        assertThat(roleWith("admin")).isEqualTo(Role.ADMIN);
        assertThat(roleWith("role_Admin")).isEqualTo(Role.ADMIN);
        assertThat(roleWith("ROLE_support", "VIEW_USER_ACTIVITIES")).isEqualTo(Role.SUPPORT);
        assertThat(policy.canRead(request, "caller-id", "alice")).isTrue();
        assertThat(roleWith("ROLE_user")).isEqualTo(Role.USER);
    }

    /** Regression: equalsIgnoreCase folds Unicode, so a dotted capital I, a dotless i or a Kelvin sign passed for ASCII letters. */
    @Test
    void shouldNotTakeLookAlikeLettersForTheRole() {
        assertThat(roleWith("ROLE_ADM\u0130N")).isEqualTo(Role.USER);
        assertThat(roleWith("ROLE_adm\u0131n")).isEqualTo(Role.USER);
        SecurityContextHolder.setContext(new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(
                "someone", null, AuthorityUtils.createAuthorityList("ROLE_\u212Aiosk"))));
        assertThat(new AuthoritiesAccessPolicy("kiosk", "support", "view").role(request, "x")).isEqualTo(Role.USER);
    }

    @Test
    void shouldGiveNobodySignedInNoRole() {
        assertThat(policy.role(request, "caller-id")).isEqualTo(Role.USER);
        SecurityContextHolder.setContext(new SecurityContextImpl(new AnonymousAuthenticationToken("key", "anonymousUser",
                AuthorityUtils.createAuthorityList("ROLE_admin"))));
        assertThat(policy.role(request, "caller-id")).isEqualTo(Role.USER);
        assertThat(policy.canErase(request, "caller-id", "alice")).isFalse();
    }
}
