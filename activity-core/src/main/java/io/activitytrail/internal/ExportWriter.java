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
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Writes activities one at a time as NDJSON or CSV, so an export of any size runs in constant
 * memory. Use as the sink of {@link io.activitytrail.ActivityStore#export}, then {@link #finish()}.
 */
public final class ExportWriter implements Consumer<Activity> {
    static final String CSV_HEADER = "id,user_id,action,description,severity,ip_address,user_agent,"
            + "session_id,request_id,device_info,location_info,metadata,created_at";

    private final ExportFormat format;
    private final Writer writer;
    private final @Nullable JsonGenerator json;

    public ExportWriter(ExportFormat format, OutputStream out) throws IOException {
        this.format = format;
        this.writer = new BufferedWriter(new OutputStreamWriter(new NonClosingOutputStream(out), StandardCharsets.UTF_8), 64 * 1024);
        if (format == ExportFormat.NDJSON) {
            json = ActivityJson.generator(writer);
            json.setRootValueSeparator(null);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            // Each row is flushed into the buffered writer only, not through to the caller's stream.
            json.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        } else {
            json = null;
            writer.write(CSV_HEADER);
            writer.write("\r\n");
        }
    }

    @Override
    public void accept(Activity activity) {
        try {
            if (json != null) {
                ActivityJson.write(json, activity);
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
        cell(a.id().toString());
        cell(a.userId());
        cell(a.action());
        cell(a.description());
        cell(a.severity().value());
        cell(a.ipAddress());
        cell(a.userAgent());
        cell(a.sessionId());
        cell(a.requestId());
        cell(jsonOrEmpty(a.deviceInfo()));
        cell(jsonOrEmpty(a.locationInfo()));
        cell(jsonOrEmpty(a.metadata()));
        writer.write(csvCell(a.createdAt().toString()));
        writer.write("\r\n");
    }

    private void cell(@Nullable String value) throws IOException {
        writer.write(csvCell(value));
        writer.write(',');
    }

    private static @Nullable String jsonOrEmpty(Map<String, Object> map) {
        return map.isEmpty() ? null : ActivityJson.toJson(map);
    }

    /**
     * One RFC 4180 cell. A value that a spreadsheet would run as a formula (starting with = + - @,
     * tab or CR) gets a leading apostrophe (OWASP's advice against CSV injection).
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
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
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
