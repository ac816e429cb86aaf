package io.activitytrail.spring.internal;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.RequestInfo;
import io.activitytrail.Severity;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.servlet.FilterSettings;
import io.activitytrail.spring.AuthenticationUserId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Spring Security's authentication events in the users' histories, under the user id
 * {@link AuthenticationUserId} gives: success as {@code login}, failure as {@code login_failed}
 * (under the user the attempted name signs in as, with the reason; never the password), sign-out
 * as {@code logout}. Never breaks the authentication it observes.
 */
public final class SecurityEventsListener {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEventsListener.class);
    private static final int MAX_USER_ID = Activity.MAX_USER_ID_LENGTH;

    /** The id failed sign-ins are logged under when the attempted name is no known user. */
    public static final String UNKNOWN_USER_ID = "unknown";

    private final ActivityTrail trail;
    private final AuthenticationUserId userId;
    private final Function<String, Optional<UserDetails>> knownUser;
    private final FilterSettings clientAddress;

    /**
     * @param userId the user id of a signed-in authentication, as for requests
     * @param knownUser the user a typed name signs in as (the store's, spelt as the store spells
     *     it: a store that ignores case loads alice for ALICE), or empty for no user of the
     *     application; failures for other names are logged under {@value #UNKNOWN_USER_ID}, so
     *     that nobody fills a stranger's (or a made-up) history, and a password typed into the
     *     user field is not stored
     * @param clientAddress the filter's settings, whose trusted proxies tell the client's address
     *     (the events carry the same one as the request's {@code http_request}, and its request id)
     */
    public SecurityEventsListener(ActivityTrail trail, AuthenticationUserId userId,
            Function<String, Optional<UserDetails>> knownUser, FilterSettings clientAddress) {
        this.trail = trail;
        this.userId = userId;
        this.knownUser = knownUser;
        this.clientAddress = clientAddress;
    }

    @EventListener
    public void onSuccess(AuthenticationSuccessEvent event) {
        Authentication authentication = event.getAuthentication();
        log(userIdOf(authentication), "login", "Signed in", Severity.INFO, Map.of("method", method(authentication)));
    }

    @EventListener
    public void onFailure(AbstractAuthenticationFailureEvent event) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("reason", event.getClass().getSimpleName().replace("AuthenticationFailure", "").replace("Event", ""));
        metadata.put("method", method(event.getAuthentication()));
        String attempted = event.getAuthentication().getName();
        String user = null;
        try {
            Optional<UserDetails> known = attempted == null || attempted.isBlank() ? Optional.empty() : knownUser.apply(attempted);
            if (known != null && known.isPresent()) {
                // The id a successful sign-in of that user would be logged under.
                UserDetails details = known.get();
                user = userIdOf(UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities()));
            }
        } catch (RuntimeException e) {
            user = null;
        }
        log(user == null ? UNKNOWN_USER_ID : user, "login_failed", "Failed sign-in attempt", Severity.WARNING, metadata);
    }

    @EventListener
    public void onLogout(LogoutSuccessEvent event) {
        log(userIdOf(event.getAuthentication()), "logout", "Signed out", Severity.INFO, Map.of());
    }

    /** The host's id of {@code authentication}; null for none, or when the host's function fails. */
    private String userIdOf(Authentication authentication) {
        try {
            return SecurityContextUserResolver.userId(userId, SecurityContextUserResolver.signedIn(authentication)).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("the AuthenticationUserId failed for an authentication event: {}", e.toString());
            return null;
        }
    }

    private static String method(Authentication authentication) {
        return authentication.getClass().getSimpleName().replace("AuthenticationToken", "").replace("Token", "");
    }

    private void log(String userId, String action, String description, Severity severity, Map<String, Object> metadata) {
        try {
            if (userId == null || userId.isBlank() || userId.length() > MAX_USER_ID) {
                return;
            }
            trail.log(Activity.builder(userId, action).description(description).severity(severity)
                    .metadata(metadata).request(currentRequest()).build());
        } catch (RuntimeException e) {
            LOG.warn("could not log {} of an authentication event: {}", action, e.toString());
        }
    }

    private RequestInfo currentRequest() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return RequestInfo.empty();
        }
        HttpServletRequest request = servlet.getRequest();
        HttpSession session = request.getSession(false);
        Object requestId = request.getAttribute(ActivityFilter.REQUEST_ID_ATTRIBUTE);
        return new RequestInfo(clientAddress.clientAddress(request).orElse(null), request.getHeader("User-Agent"),
                session == null ? null : session.getId(), requestId instanceof String id ? id : null);
    }
}
