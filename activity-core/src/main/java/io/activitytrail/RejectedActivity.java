package io.activitytrail;

/**
 * An activity that a store refused for good (a value the database cannot hold, say); retrying it
 * would fail again. The pipeline sets it aside and counts it.
 */
public record RejectedActivity(Activity activity, String reason) {}
