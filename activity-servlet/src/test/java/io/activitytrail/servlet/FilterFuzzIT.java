package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 requests with fuzzed header values, paths and user agents (CR, LF, NUL, ESC, bidi and
 * zero-width characters, overlong UTF-8, 10 KB values) sent as raw bytes to a real server, on
 * each container. The container may refuse a request (400, 431, a closed connection); the filter
 * must fail none, log every request that reached the application exactly once, and store no raw
 * control character.
 */
class FilterFuzzIT {
    private static final int REQUESTS = 10_000;
    private static final String[] NASTY = {"\r", "\n", "\r\n", "\u0000", "\u001b[31m", "\u001b]0;x\u0007", "\u202e",
        "\u202a", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028", "\u2029", "\u0085", "\u009b", "\u007f",
        "%00", "%0d%0a", "%1b", "%e2%80%ae", "\t", "ü", "😀", "\ud800", "'", "\"", "<script>", "${jndi:ldap://x}", ";",
        ",", "=", "[", "]", "\\"};
    /** Byte sequences that are not characters: overlong encodings of '/', '.', NUL, and stray continuation bytes. */
    private static final byte[][] RAW = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
        {(byte) 0xC0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAE}, {(byte) 0x80}, {(byte) 0xFF},
        {(byte) 0xC3}};
    private static final String[] HEADERS = {"User-Agent", "X-Request-Id", "X-Forwarded-For", "Forwarded", "Sec-CH-UA",
        "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform", "CF-IPCountry", "X-Fuzz"};

    @TempDir
    Path temp;

    static List<Supplier<TestServer>> containers() {
        return List.of(JettyTestServer::new, TomcatTestServer::new);
    }

    @ParameterizedTest
    @MethodSource("containers")
    void shouldFailNoRequestAndStoreNoRawControlCharacter(Supplier<TestServer> container) throws Exception {
        RecordingStore store = new RecordingStore();
        Random random = new Random(20261202L);
        Map<Integer, Integer> statuses = new TreeMap<>();
        ActivityFilter filter;
        TestServlet servlet = new TestServlet();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(temp.resolve("spool"))
                .flushInterval(Duration.ofMillis(20)).build();
                TestServer server = container.get()) {
            filter = new ActivityFilter(trail, FilterSettings.builder().anonymousUserId("fuzz").trustedProxies("127.0.0.1")
                    .useForwardedHeader(true).build());
            int port = server.start(new TestServer.Deployment(new ProbeFilter(), filter, Map.of(), null, servlet));
            for (int i = 0; i < REQUESTS; i++) {
                int status = RawHttp.send(port, request(random, i));
                statuses.merge(status, 1, Integer::sum);
            }
            trail.flush();

            List<Activity> stored = store.all();
            long withControl = stored.stream().flatMap(a -> StoredText.of(a).stream())
                    .filter(StoredText::hasRawControlCharacter).count();
            int reached = servlet.handled.get();
            System.out.printf("%s fuzz: %d requests, responses by status %s (-1: connection closed by the container), "
                            + "%d reached the application, %d stored, filter failures %d, stored values with a raw control "
                            + "character %d%n",
                    server, REQUESTS, statuses, reached, stored.size(), filter.failures(), withControl);

            assertThat(filter.failures()).as("requests the filter failed on").isZero();
            assertThat(statuses).as("server errors").doesNotContainKeys(500, 502, 503);
            assertThat(stored).as("every request that reached the application, logged once").hasSize(reached);
            assertThat(stored.stream().map(Activity::requestId).distinct().count()).isEqualTo(stored.size());
            assertThat(withControl).as("stored values with a raw control character").isZero();
            assertThat(reached).as("enough requests got through the container to mean something").isGreaterThan(REQUESTS / 4);
        }
    }

    /** One request; {@code i} picks what is fuzzed so that every kind gets a fair share. */
    private static byte[] request(Random random, int i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int kind = i % 3;
        String id = "fuzz-" + i;
        write(out, "GET /fuzz/" + i + "/");
        if (kind == 0) {
            out.writeBytes(fuzz(random, true));
        } else {
            write(out, "x"); // Jetty refuses an empty segment ("//") as ambiguous
        }
        write(out, "/end?q=");
        if (random.nextBoolean()) {
            out.writeBytes(fuzz(random, true));
        }
        write(out, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (kind != 1 || random.nextInt(4) != 0) {
            write(out, "X-Request-Id: " + id + "\r\n");
        }
        write(out, "User-Agent: ");
        if (kind == 2) {
            out.writeBytes(fuzz(random, false));
        } else {
            write(out, "Mozilla/5.0 fuzz");
        }
        write(out, "\r\n");
        if (kind == 1) {
            for (int h = 0, n = 1 + random.nextInt(3); h < n; h++) {
                write(out, HEADERS[random.nextInt(HEADERS.length)] + ": ");
                out.writeBytes(fuzz(random, false));
                write(out, "\r\n");
            }
        }
        write(out, "\r\n");
        return out.toByteArray();
    }

    /**
     * A fuzzed value. Three in four can pass the container (in a path or query every nasty
     * character percent-encoded, overlong UTF-8 too; in a header as UTF-8 bytes, which HTTP takes as
     * obs-text), so that they reach the filter; the rest are raw bytes that a container should refuse
     * (CR, LF, NUL, ESC, invalid UTF-8) and checks that it does so without the filter failing.
     */
    private static byte[] fuzz(Random random, boolean inPath) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean legal = random.nextInt(4) != 0;
        if (random.nextInt(20) == 0) {
            // A 10 KB value: longer than the containers' default header limits, and than every stored field.
            String unit = NASTY[random.nextInt(NASTY.length)] + "abcdefghij";
            String big = unit.repeat(10_240 / unit.length() + 1);
            out.writeBytes(legal ? encode(big, inPath) : utf8(big));
            return out.toByteArray();
        }
        for (int p = 0, n = 1 + random.nextInt(8); p < n; p++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    byte[] raw = RAW[random.nextInt(RAW.length)];
                    out.writeBytes(legal && inPath ? percent(raw) : raw);
                }
                case 1 -> out.writeBytes(utf8(inPath ? "a%2F" : "10.0.0." + random.nextInt(300)));
                default -> {
                    String nasty = NASTY[random.nextInt(NASTY.length)];
                    out.writeBytes(legal ? encode(nasty, inPath) : utf8(nasty));
                }
            }
        }
        return out.toByteArray();
    }

    /** In a path: every byte that is not unreserved percent-encoded; in a header: ASCII controls dropped, the rest UTF-8. */
    private static byte[] encode(String s, boolean inPath) {
        byte[] bytes = utf8(s);
        if (inPath) {
            return percent(bytes);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if ((b & 0xff) >= 0x20 && b != 0x7f) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] percent(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }
}
