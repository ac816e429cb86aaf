package io.activitytrail.spring;

import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * The user id of a signed-in Spring Security {@link Authentication}: whose history its requests,
 * sign-ins, failed sign-ins, sign-outs and {@link TrackActivity} calls go to, and the caller id of
 * the activity API. Define a bean of this type when the application's user ids are not its user
 * names (say, {@code ((AppUser) authentication.getPrincipal()).id()}); every part of the
 * integration then uses it. Default: {@link #name()}.
 *
 * <p>Called on the request thread, for every logged request (up to twice) and every
 * authentication event, so it must be cheap and must not block. It is given only signed-in
 * authentications (never an anonymous one); for a failed sign-in, an authenticated token whose
 * principal is the {@code UserDetails} the {@code UserDetailsService} loaded for the attempted
 * name, as a successful sign-in of that user would have it. A blank id, an empty one or an
 * exception leaves the event unlogged (a failed sign-in goes under {@code unknown}).
 *
 * <p>Replacing the {@code activityUserResolver} bean instead changes the user of requests and of
 * the API only; the authentication events and {@link TrackActivity} keep using this function. And
 * the filter runs before Spring Security's chain, where its {@code SecurityContextHolder} is
 * empty: a replacement resolver must find the authentication as the default one does.
 */
@FunctionalInterface
public interface AuthenticationUserId {

    /** The user id of {@code authentication}, a signed-in one; empty for none. */
    Optional<String> userId(Authentication authentication);

    /** The default: {@link Authentication#getName()}, empty when blank. */
    static AuthenticationUserId name() {
        return authentication -> Optional.ofNullable(authentication.getName()).filter(name -> !name.isBlank());
    }
}
