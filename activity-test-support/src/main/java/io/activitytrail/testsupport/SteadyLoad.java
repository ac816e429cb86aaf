package io.activitytrail.testsupport;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Logs activities into a trail at a steady rate on a thread of its own until stopped, and keeps
 * the ids it logged, so that a test can check afterwards that every accepted activity was stored
 * once. The rate catches up after a stall (a loaded machine), as a steady stream of requests would.
 */
public final class SteadyLoad implements AutoCloseable {
    private final Set<UUID> accepted;
    private final Thread thread;
    private volatile boolean stopped;

    private SteadyLoad(ActivityTrail trail, int perSecond, IntFunction<Activity> activity, Set<UUID> accepted, String name) {
        this.accepted = accepted;
        this.thread = new Thread(() -> run(trail, perSecond, activity), name);
    }

    /** Starts logging {@code activity.apply(i)} for i = 0, 1, ... at {@code perSecond}. */
    public static SteadyLoad start(ActivityTrail trail, int perSecond, IntFunction<Activity> activity, String threadName) {
        return start(trail, perSecond, activity, ConcurrentHashMap.newKeySet(), threadName);
    }

    /** The same, adding the ids to {@code accepted} (a set shared by several loads). */
    public static SteadyLoad start(ActivityTrail trail, int perSecond, IntFunction<Activity> activity, Set<UUID> accepted,
            String threadName) {
        SteadyLoad load = new SteadyLoad(trail, perSecond, activity, accepted, threadName);
        load.thread.start();
        return load;
    }

    private void run(ActivityTrail trail, int perSecond, IntFunction<Activity> activity) {
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        for (int i = 0; !stopped; i++) {
            Activity a = activity.apply(i);
            trail.log(a);
            accepted.add(a.id());
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /** The ids logged so far. */
    public Set<UUID> accepted() {
        return accepted;
    }

    /** Stops logging and waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join();
    }

    /** Parks until {@code offset} after {@code startedNanos} (a {@link System#nanoTime()}). */
    public static void sleepUntil(long startedNanos, Duration offset) {
        long due = startedNanos + offset.toNanos();
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
