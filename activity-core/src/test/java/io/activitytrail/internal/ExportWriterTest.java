package io.activitytrail.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.activitytrail.Activity;
import io.activitytrail.ExportFormat;
import io.activitytrail.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportWriterTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper READER = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Instant AT = Instant.parse("2025-03-14T09:26:53.123456Z");

    private static Activity full() {
        return Activity.builder("user-42", "invoice_paid")
                .description("Paid, \"big\" invoice \u20ac12 \uD83D\uDE00")
                .severity(Severity.WARNING)
                .ipAddress("2001:db8::1")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64)")
                .sessionId("sess")
                .requestId("req")
                .deviceInfo(Map.of("browser", "Firefox"))
                .locationInfo(Map.of("country", "DE"))
                .metadata(Map.of("invoice", 17, "lines", List.of(Map.of("sku", "X,1")), "note", "two\nlines"))
                .createdAt(AT)
                .build();
    }

    private static String export(ExportFormat format, List<Activity> activities) throws IOException {
        return exportTo(new TrackingStream(), format, activities).toString(UTF_8);
    }

    private static TrackingStream exportTo(TrackingStream out, ExportFormat format, List<Activity> activities)
            throws IOException {
        ExportWriter writer = new ExportWriter(format, out);
        activities.forEach(writer);
        writer.finish();
        assertThat(out.closed).as("the caller's stream is left open").isFalse();
        assertThat(out.flushes).as("flushes of the caller's stream").isPositive();
        return out;
    }

    // ---------------------------------------------------------------- NDJSON

    @Test
    void shouldWriteOneJsonObjectPerLine() throws IOException {
        Activity a = full();
        Activity b = Activity.builder("user-42", "login").createdAt(AT.plusSeconds(1)).build();

        String ndjson = export(ExportFormat.NDJSON, List.of(a, b));

        assertThat(ndjson).endsWith("\n");
        String[] lines = ndjson.split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        JsonNode first = READER.readTree(lines[0]);
        JsonNode second = READER.readTree(lines[1]);
        assertThat(first.get("id").asText()).isEqualTo(a.id().toString());
        assertThat(first.get("user_id").asText()).isEqualTo("user-42");
        assertThat(first.get("action").asText()).isEqualTo("invoice_paid");
        assertThat(first.get("description").asText()).isEqualTo(a.description());
        assertThat(first.get("severity").asText()).isEqualTo("warning");
        assertThat(first.get("ip_address").asText()).isEqualTo("2001:db8::1");
        assertThat(first.get("user_agent").asText()).isEqualTo("Mozilla/5.0 (X11; Linux x86_64)");
        assertThat(first.get("session_id").asText()).isEqualTo("sess");
        assertThat(first.get("request_id").asText()).isEqualTo("req");
        assertThat(first.get("device_info").get("browser").asText()).isEqualTo("Firefox");
        assertThat(first.get("location_info").get("country").asText()).isEqualTo("DE");
        assertThat(first.get("metadata").get("invoice").asInt()).isEqualTo(17);
        assertThat(first.get("metadata").get("lines").get(0).get("sku").asText()).isEqualTo("X,1");
        assertThat(first.get("metadata").get("note").asText()).isEqualTo("two\nlines");
        assertThat(first.get("created_at").asText()).isEqualTo("2025-03-14T09:26:53.123456Z");
        assertThat(second.get("action").asText()).isEqualTo("login");
        assertThat(second.get("description").isNull()).isTrue();
        assertThat(second.get("ip_address").isNull()).isTrue();
        assertThat(second.get("metadata").isObject()).isTrue();
        assertThat(second.get("metadata").size()).isZero();
    }

    @Test
    void shouldWriteOnlyTheChosenFieldsInTheUsualOrder() throws IOException {
        Set<String> fields = Set.of("created_at", "action", "id");
        TrackingStream ndjsonOut = new TrackingStream();
        ExportWriter ndjson = new ExportWriter(ExportFormat.NDJSON, ndjsonOut, fields);
        ndjson.accept(full());
        ndjson.finish();
        com.fasterxml.jackson.databind.JsonNode row = READER.readTree(ndjsonOut.toString(UTF_8));
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("id", "action", "created_at");

        TrackingStream csvOut = new TrackingStream();
        ExportWriter csv = new ExportWriter(ExportFormat.CSV, csvOut, fields);
        csv.accept(full());
        csv.finish();
        String[] lines = csvOut.toString(UTF_8).split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("id,action,created_at");
        assertThat(csvOut.toString(UTF_8)).doesNotContain("2001:db8").doesNotContain("sess").endsWith(",invoice_paid,2025-03-14T09:26:53.123456Z\r\n");
    }

    @Test
    void shouldWriteNothingForNoActivities() throws IOException {
        assertThat(export(ExportFormat.NDJSON, List.of())).isEmpty();
    }

    @Test
    void shouldWriteManyActivitiesAsManyLines() throws IOException {
        List<Activity> activities = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            activities.add(Activity.builder("u", "e").description("n" + i).createdAt(AT.plusMillis(i)).build());
        }

        TrackingStream out = exportTo(new TrackingStream(), ExportFormat.NDJSON, activities);
        String[] lines = out.toString(UTF_8).split("\n");

        assertThat(lines).hasSize(5_000);
        // Buffered: the caller's stream (an HTTP response, say) is not flushed once per line.
        assertThat(out.flushes).isLessThan(10);
        for (int i = 0; i < lines.length; i += 997) {
            assertThat(READER.readTree(lines[i]).get("description").asText()).isEqualTo("n" + i);
        }
    }

    @Test
    void shouldWriteCharactersBeyondTheBmpAsUtf8() throws IOException {
        String ndjson = export(ExportFormat.NDJSON, List.of(full()));

        assertThat(ndjson).contains("\uD83D\uDE00").doesNotContain("\\uD83D");
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void shouldWriteAHeaderAndOneRowPerActivity() throws IOException {
        Activity a = full();

        String csv = export(ExportFormat.CSV, List.of(a));
        List<List<String>> rows = parseCsv(csv);

        assertThat(csv).startsWith(ExportWriter.CSV_HEADER + "\r\n").endsWith("\r\n");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly("id", "user_id", "action", "description", "severity", "ip_address",
                "user_agent", "session_id", "request_id", "device_info", "location_info", "metadata", "created_at");
        List<String> row = rows.get(1);
        assertThat(row).hasSize(13);
        assertThat(row.get(0)).isEqualTo(a.id().toString());
        assertThat(row.get(3)).isEqualTo("Paid, \"big\" invoice \u20ac12 \uD83D\uDE00");
        assertThat(row.get(4)).isEqualTo("warning");
        assertThat(row.get(5)).isEqualTo("2001:db8::1");
        assertThat(READER.readTree(row.get(9)).get("browser").asText()).isEqualTo("Firefox");
        JsonNode metadata = READER.readTree(row.get(11));
        assertThat(metadata.get("lines").get(0).get("sku").asText()).isEqualTo("X,1");
        assertThat(metadata.get("note").asText()).isEqualTo("two\nlines");
        assertThat(row.get(12)).isEqualTo("2025-03-14T09:26:53.123456Z");
    }

    @Test
    void shouldLeaveEmptyCellsForMissingValues() throws IOException {
        Activity bare = Activity.builder("u", "login").createdAt(AT).build();

        List<String> row = parseCsv(export(ExportFormat.CSV, List.of(bare))).get(1);

        assertThat(row).containsExactly(bare.id().toString(), "u", "login", "", "info", "", "", "", "", "", "", "",
                "2025-03-14T09:26:53.123456Z");
    }

    @Test
    void shouldQuoteCellsAsRfc4180Says() {
        assertThat(ExportWriter.csvCell("plain")).isEqualTo("plain");
        // Regression: unquoted, a semicolon split the cell in ;-separated locales and "=1+1" ran as a formula.
        assertThat(ExportWriter.csvCell("x;=1+1;")).isEqualTo("\"x;=1+1;\"");
        assertThat(ExportWriter.csvCell("a,b")).isEqualTo("\"a,b\"");
        assertThat(ExportWriter.csvCell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ExportWriter.csvCell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(ExportWriter.csvCell("cr\rhere")).isEqualTo("\"cr\rhere\"");
        assertThat(ExportWriter.csvCell("\"")).isEqualTo("\"\"\"\"");
        assertThat(ExportWriter.csvCell("")).isEmpty();
        assertThat(ExportWriter.csvCell(null)).isEmpty();
        assertThat(ExportWriter.csvCell("semi;colon and 'quote'")).isEqualTo("\"semi;colon and 'quote'\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"=SUM(A1:A9)", "+1", "-1", "@cmd", "\tTAB", "=HYPERLINK(\"http://x\",\"y\")"})
    void shouldDisarmCellsThatASpreadsheetWouldRunAsFormulas(String formula) {
        String cell = ExportWriter.csvCell(formula);

        assertThat(parseCsv(cell + "\r\n").get(0)).containsExactly("'" + formula);
    }

    @Test
    void shouldPrefixACarriageReturnAtTheStartAndStillQuoteIt() {
        assertThat(ExportWriter.csvCell("\r=1")).isEqualTo("\"'\r=1\"");
    }

    @Test
    void shouldDisarmFormulasInExportedDescriptions() throws IOException {
        Activity formula = Activity.builder("u", "note").description("=cmd|' /C calc'!A0").createdAt(AT).build();

        List<String> row = parseCsv(export(ExportFormat.CSV, List.of(formula))).get(1);

        assertThat(row.get(3)).isEqualTo("'=cmd|' /C calc'!A0");
    }

    @Test
    void shouldRoundTripAwkwardCellsThroughAnRfc4180Parser() {
        List<String> values = List.of("a,b", "\"", "x\r\ny", ",", "\"\"", "plain", "\u00e9\uD83D\uDE00", " leading space");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            line.append(i == 0 ? "" : ",").append(ExportWriter.csvCell(values.get(i)));
        }

        assertThat(parseCsv(line + "\r\n")).containsExactly(values);
    }

    /** A strict RFC 4180 reader: records end with CRLF; quoted fields may hold commas, quotes (doubled) and line breaks. */
    private static List<List<String>> parseCsv(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int i = 0;
        boolean quoted = false;
        boolean cellStarted = false;
        while (i < csv.length()) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                        cell.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    i++;
                    char next = i < csv.length() ? csv.charAt(i) : '\r';
                    assertThat(next).as("character after a closing quote at %d", i).isIn(',', '\r');
                    continue;
                }
                cell.append(c);
                i++;
                continue;
            }
            if (c == '"') {
                assertThat(cellStarted).as("quote inside an unquoted cell at %d", i).isFalse();
                quoted = true;
                cellStarted = true;
                i++;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
                cellStarted = false;
                i++;
            } else if (c == '\r') {
                assertThat(csv.charAt(i + 1)).as("LF after CR at %d", i).isEqualTo('\n');
                row.add(cell.toString());
                rows.add(row);
                row = new ArrayList<>();
                cell.setLength(0);
                cellStarted = false;
                i += 2;
            } else {
                assertThat(c).as("bare LF outside quotes at %d", i).isNotEqualTo('\n');
                cell.append(c);
                cellStarted = true;
                i++;
            }
        }
        assertThat(quoted).as("unterminated quoted cell").isFalse();
        assertThat(row).as("a last record without CRLF").isEmpty();
        return rows;
    }

    private static final class TrackingStream extends ByteArrayOutputStream {
        boolean closed;
        int flushes;

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
