package io.activitytrail.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs for erasures announced by any instance (this one included) on one dedicated connection,
 * on a daemon thread named {@code activity-erasure-listener}, and hands each to {@code onErasure}.
 * The connection is borrowed from the store's data source and held while the store is open; when
 * it breaks, the thread reconnects with exponential backoff (1 s to 30 s). Notifications sent while
 * it is disconnected are lost: they are an optimisation (dropping caches and spooled rows early),
 * the erasures table is the guarantee.
 *
 * <p>Payload: {@code <schema-qualified table> TAB <erased_at ISO-8601> TAB <user id>}. The channel
 * is named after the table alone, so stores of tables of the same name in other schemas (other
 * tenants) hear each other's erasures: each takes only those of its own table, since an erasure
 * makes the trail drop the user's spooled and rejected rows.
 */
public final class ErasureListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ErasureListener.class);
    private static final int POLL_MILLIS = 500;
    private static final long MIN_BACKOFF_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final long VALIDATE_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int VALIDATE_TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;
    private final String channel;
    private final String qualifiedTable;
    private final BiConsumer<String, Instant> onErasure;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;

    public ErasureListener(DataSource dataSource, String channel, String qualifiedTable, BiConsumer<String, Instant> onErasure) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.qualifiedTable = qualifiedTable;
        this.onErasure = onErasure;
        this.thread = new Thread(this::run, "activity-erasure-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the LISTEN connection is up (for tests and diagnostics). */
    public boolean listening() {
        return listening;
    }

    public static String payload(String qualifiedTable, String userId, Instant erasedAt) {
        return qualifiedTable + "\t" + erasedAt + "\t" + userId;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + TableNames.quote(channel));
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                backoff = MIN_BACKOFF_MILLIS;
                long validatedAt = System.nanoTime();
                while (!closed) {
                    // A connection whose peer vanished without a reset never fails a poll: check it
                    // (isValid bounds its round trip by a network timeout) and reconnect if it is gone.
                    if (System.nanoTime() - validatedAt > VALIDATE_EVERY_NANOS) {
                        if (!c.isValid(VALIDATE_TIMEOUT_SECONDS)) {
                            throw new SQLException("the LISTEN connection no longer answers");
                        }
                        validatedAt = System.nanoTime();
                    }
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    return;
                }
                LOG.warn("Lost the LISTEN connection for erasures on channel {} ({}); reconnecting in {} ms",
                        channel, e.toString(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } finally {
                listening = false;
            }
        }
    }

    private void deliver(String payload) {
        String[] parts = payload.split("\t", 3);
        if (parts.length != 3 || !parts[0].equals(qualifiedTable)) {
            return; // another schema's table of the same name, or not ours at all
        }
        Instant erasedAt;
        try {
            erasedAt = Instant.parse(parts[1]);
        } catch (DateTimeParseException e) {
            return;
        }
        try {
            onErasure.accept(parts[2], erasedAt);
        } catch (RuntimeException e) {
            LOG.warn("An erasure callback failed", e);
        }
    }

    /** Stops the thread and gives the connection back. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
