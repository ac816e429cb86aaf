package io.activitytrail;

import java.util.Optional;

/**
 * Tells who the current user is, from whatever the integration has at hand: an
 * {@code HttpServletRequest} in the servlet filter, nothing (thread-bound security context) in
 * Spring. Called on the request thread for every captured request, so it must be cheap and must
 * not block.
 *
 * @param <C> what the integration passes in
 */
@FunctionalInterface
public interface UserResolver<C> {

    /** The user id, or empty for an anonymous request (which is then not logged by default). */
    Optional<String> resolve(C context);
}
