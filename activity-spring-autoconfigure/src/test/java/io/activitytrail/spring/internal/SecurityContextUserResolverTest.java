package io.activitytrail.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/** Where the resolver finds the user before and after Spring Security's chain (the filter runs outside it). */
class SecurityContextUserResolverTest {
    private final SecurityContextUserResolver resolver = new SecurityContextUserResolver(io.activitytrail.spring.AuthenticationUserId.name());

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private static SecurityContextImpl signedIn(String name) {
        return new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(name, null,
                AuthorityUtils.createAuthorityList("ROLE_user")));
    }

    @Test
    void shouldTakeTheHolderInsideTheChainAnAnonymousTokenIncluded() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.getSession().setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, signedIn("alice"));
        SecurityContextHolder.setContext(signedIn("bob"));
        assertThat(resolver.resolve(request)).hasValue("bob");
        SecurityContextHolder.setContext(new SecurityContextImpl(new AnonymousAuthenticationToken("key", "anonymousUser",
                AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"))));
        assertThat(resolver.resolve(request)).isEmpty();
    }

    @Test
    void shouldFindWhatThisRequestSavedOnceTheHolderIsCleared() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.getSession().setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, signedIn("alice"));
        request.setAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME, signedIn("bob"));
        assertThat(resolver.resolve(request)).hasValue("bob");
        request.setAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME, new SecurityContextImpl());
        assertThat(resolver.resolve(request)).as("signed out during this request").isEmpty();
    }

    @Test
    void shouldFindTheSessionsSignInWithoutMakingASession() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        assertThat(resolver.resolve(request)).isEmpty();
        assertThat(request.getSession(false)).isNull();
        MockHttpSession session = new MockHttpSession();
        session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, signedIn("alice"));
        request.setSession(session);
        assertThat(resolver.resolve(request)).hasValue("alice");
        session.invalidate();
        assertThat(resolver.resolve(request)).isEmpty();
    }
}
