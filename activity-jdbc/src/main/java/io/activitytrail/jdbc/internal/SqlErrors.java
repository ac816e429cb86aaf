package io.activitytrail.jdbc.internal;

import io.activitytrail.ActivityStoreException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Sorts database errors into "this row can never be stored" and "try the batch again later". */
public final class SqlErrors {
    private SqlErrors() {}

    public static @Nullable SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    public static @Nullable String sqlState(Throwable t) {
        SQLException s = sqlCause(t);
        return s == null ? null : s.getSQLState();
    }

    /**
     * Whether the error is about a value of the statement (class 22 data exceptions, class 23
     * constraint violations, 54000 index row too large), so that a row of the batch is to blame and
     * the other rows can still be stored. "No partition for the row" is a schema problem, not a row's.
     */
    public static boolean isRowError(Throwable t) {
        SQLException s = sqlCause(t);
        String state = s == null ? null : s.getSQLState();
        if (state == null) {
            return false;
        }
        if (state.equals("23514") && String.valueOf(s.getMessage()).contains("no partition")) {
            return false;
        }
        return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
    }

    /** The server's primary message and SQLState, without detail lines (which may quote the data). */
    public static String reason(Throwable t) {
        SQLException s = sqlCause(t);
        if (s == null) {
            return t.getClass().getSimpleName();
        }
        String message = s.getMessage();
        if (s instanceof PSQLException p) {
            ServerErrorMessage server = p.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                message = server.getMessage();
            }
        }
        return message + " (SQLState " + s.getSQLState() + ")";
    }

    /** Wraps a failure of the database as the library's exception, which callers may retry. */
    public static ActivityStoreException translate(String doing, RuntimeException e) {
        if (e instanceof ActivityStoreException a) {
            return a;
        }
        return new ActivityStoreException("cannot " + doing + ": " + reason(e), e);
    }
}
