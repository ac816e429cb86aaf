package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.activitytrail.Activity;
import io.activitytrail.ExportFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Writes activities one at a time as NDJSON or CSV, so an export of any size runs in constant
 * memory. Use as the sink of {@link io.activitytrail.ActivityStore#export}, then {@link #finish()}.
 */
public final class ExportWriter implements Consumer<Activity> {
    static final String CSV_HEADER = String.join(",", Activity.FIELD_NAMES);

    private final Set<String> fields;
    private final List<String> columns;
    private final Writer writer;
    private final @Nullable JsonGenerator json;

    public ExportWriter(ExportFormat format, OutputStream out) throws IOException {
        this(format, out, Set.copyOf(Activity.FIELD_NAMES));
    }

    /** Writes only {@code fields} (names of {@link Activity#FIELD_NAMES}), in their usual order. */
    public ExportWriter(ExportFormat format, OutputStream out, Set<String> fields) throws IOException {
        this.fields = Set.copyOf(fields);
        this.columns = Activity.FIELD_NAMES.stream().filter(this.fields::contains).toList();
        this.writer = new BufferedWriter(new OutputStreamWriter(new NonClosingOutputStream(out), StandardCharsets.UTF_8), 64 * 1024);
        if (format == ExportFormat.NDJSON) {
            json = ActivityJson.generator(writer);
            json.setRootValueSeparator(null);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            // Each row is flushed into the buffered writer only, not through to the caller's stream.
            json.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        } else {
            json = null;
            writer.write(String.join(",", columns));
            writer.write("\r\n");
        }
    }

    @Override
    public void accept(Activity activity) {
        try {
            if (json != null) {
                ActivityJson.write(json, activity, fields);
                json.flush();
                writer.write('\n');
            } else {
                writeCsvRow(activity);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flushes what is buffered; does not close the caller's stream. */
    public void finish() throws IOException {
        if (json != null) {
            json.close();
        }
        writer.close();
    }

    private void writeCsvRow(Activity a) throws IOException {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                writer.write(',');
            }
            writer.write(csvCell(value(a, columns.get(i))));
        }
        writer.write("\r\n");
    }

    private static @Nullable String value(Activity a, String field) {
        return switch (field) {
            case "id" -> a.id().toString();
            case "user_id" -> a.userId();
            case "action" -> a.action();
            case "description" -> a.description();
            case "severity" -> a.severity().value();
            case "ip_address" -> a.ipAddress();
            case "user_agent" -> a.userAgent();
            case "session_id" -> a.sessionId();
            case "request_id" -> a.requestId();
            case "device_info" -> jsonOrEmpty(a.deviceInfo());
            case "location_info" -> jsonOrEmpty(a.locationInfo());
            case "metadata" -> jsonOrEmpty(a.metadata());
            case "created_at" -> a.createdAt().toString();
            default -> throw new IllegalArgumentException("not a field of an activity: " + field);
        };
    }

    private static @Nullable String jsonOrEmpty(Map<String, Object> map) {
        return map.isEmpty() ? null : ActivityJson.toJson(map);
    }

    /**
     * One RFC 4180 cell. A value that a spreadsheet would run as a formula (starting with = + - @,
     * tab or CR) gets a leading apostrophe (OWASP's advice against CSV injection). A value with a
     * semicolon is quoted too: spreadsheets in locales whose list separator is {@code ;} split it
     * there, and the part after it could start a formula.
     */
    static String csvCell(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = value;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            v = "'" + v;
        }
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == ';' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** Lets the writer be closed (to flush) without closing the caller's stream. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
