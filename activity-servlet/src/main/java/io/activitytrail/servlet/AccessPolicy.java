package io.activitytrail.servlet;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides what the caller of {@link ActivityApiServlet} may read and erase. Called on the request
 * thread, once or twice per API call, after the caller was identified; it must be cheap and must
 * not block. The servlet fails closed: when a method throws, the call is refused with 403 (and
 * {@link #role} is taken as {@link Role#USER}, the narrowest view).
 *
 * <p>The default, {@link #roles()}, asks the container through {@link HttpServletRequest#isUserInRole}:
 * role {@code admin} reads and erases anyone's activity; role {@code support} reads other users'
 * activity only when it also has {@code view_user_activities} (the permission is modelled as a role
 * name); every caller reads their own.
 */
public interface AccessPolicy {

    /** The view the caller gets; decides which fields of an activity are in the JSON. */
    enum Role {
        /** Their own activity only; by default no IP address, user agent, session hash or request id (see {@link ApiSettings.Builder#fields}). */
        USER,
        /** Investigates accounts; by default the user's fields plus the request id, the session hash and the masked IP address. */
        SUPPORT,
        /** Sees every field. */
        ADMIN
    }

    /** The caller's view. */
    Role role(HttpServletRequest request, String callerId);

    /**
     * Whether the caller may read {@code targetUserId}'s activity (timeline, stats, export). The
     * servlet never asks this for the caller's own activity, which is always readable.
     */
    boolean canRead(HttpServletRequest request, String callerId, String targetUserId);

    /** Whether the caller may erase all of {@code targetUserId}'s activity. */
    boolean canErase(HttpServletRequest request, String callerId, String targetUserId);

    /** The default policy with the role names {@code admin}, {@code support} and {@code view_user_activities}. */
    static AccessPolicy roles() {
        return roles("admin", "support", "view_user_activities");
    }

    /**
     * A policy on {@link HttpServletRequest#isUserInRole} with the given role names.
     *
     * @param adminRole reads and erases anyone's activity
     * @param supportRole reads others' activity when the caller also has {@code viewPermission}
     * @param viewPermission the role name that stands for the permission to view other users' activity
     * @throws IllegalArgumentException when a name is blank
     */
    static AccessPolicy roles(String adminRole, String supportRole, String viewPermission) {
        String admin = checkRole("adminRole", adminRole);
        String support = checkRole("supportRole", supportRole);
        String permission = checkRole("viewPermission", viewPermission);
        return new AccessPolicy() {
            @Override
            public Role role(HttpServletRequest request, String callerId) {
                if (request.isUserInRole(admin)) {
                    return Role.ADMIN;
                }
                return request.isUserInRole(support) ? Role.SUPPORT : Role.USER;
            }

            @Override
            public boolean canRead(HttpServletRequest request, String callerId, String targetUserId) {
                return request.isUserInRole(admin) || (request.isUserInRole(support) && request.isUserInRole(permission));
            }

            @Override
            public boolean canErase(HttpServletRequest request, String callerId, String targetUserId) {
                return request.isUserInRole(admin);
            }

            @Override
            public String toString() {
                return "AccessPolicy.roles(" + admin + ", " + support + ", " + permission + ")";
            }
        };
    }

    private static String checkRole(String name, String value) {
        requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, but was \"" + value + "\"");
        }
        return value;
    }
}
