package io.activitytrail.benchmarks.jdbc;

import io.activitytrail.Activity;
import io.activitytrail.ActivityCursor;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.Severity;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.AccessPolicy;
import io.activitytrail.servlet.ActivityApiServlet;
import io.activitytrail.servlet.ApiSettings;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Load run of the read path at 10 million rows (issue 12, item 2): generates the rows
 * server-side into the table {@link JdbcActivityStore} makes, then measures, through the public
 * API, timeline pages (first, deep, filtered by action, severity and free text), stats (uncached and
 * cached), the JSON API through HTTP on an embedded Jetty, and the export of the biggest user in a
 * child JVM with a 64 MiB heap.
 *
 * <p>Data: 100,000 users. {@code user-0} has 10% of the rows (1,000,000 of 10 M); {@code user-1} to
 * {@code user-100} 1% together (10,000 each); {@code user-101} to {@code user-1100} 1% together
 * (1,000 each); the other 70% fall on {@code user-1101} to {@code user-99999} with a density
 * falling as 1/sqrt(rank) (about 22,000 rows for the first, 35 for the last). Rows are in time
 * order on disk (as an application writes them), spread evenly from the first day of the month
 * twelve months ago to now: 13 monthly partitions, made by the store's own maintenance.
 *
 * <p>Every figure has a baseline in the same run: the same SQL through plain JDBC on the same pool
 * (what the library adds is mapping, JDBI and, for stats, three statements in one handle), a
 * {@code SELECT 1} round trip, and for HTTP a trivial servlet on the same Jetty. Library and
 * baseline alternate which goes first per sample, so neither gets the other's warm cache.
 *
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -Xmx2g -cp activity-benchmarks/target/benchmarks.jar io.activitytrail.benchmarks.jdbc.QueryLoadRun
 * </pre>
 * System properties: {@code rows} (10,000,000; a multiple of 10), {@code rounds} (3 measuring
 * rounds on the same data), {@code ingestSeconds} (20; 0 skips the write-rate comparison of the
 * free-text index), {@code textIndex} (user_trgm: the free-text index made on the loaded table before the
 * text filters are measured again; none skips that phase), {@code export} (true), {@code explain} (true: prints the plans),
 * {@code queries} (true; false measures only HTTP and the export). Embedded
 * PostgreSQL 17, or the server in {@code ACTIVITY_TEST_JDBC_URL}.
 */
public final class QueryLoadRun {
    static final long ROWS = Long.getLong("rows", 10_000_000L);
    static final int ROUNDS = Integer.getInteger("rounds", 3);
    static final int INGEST_SECONDS = Integer.getInteger("ingestSeconds", 20);
    static final boolean EXPORT = Boolean.parseBoolean(System.getProperty("export", "true"));
    static final boolean EXPLAIN = Boolean.parseBoolean(System.getProperty("explain", "true"));
    /** False skips the in-process query rounds (and the plans): to measure the HTTP phase and the export alone. */
    static final boolean QUERIES = Boolean.parseBoolean(System.getProperty("queries", "true"));
    static final int RANDOM_USERS = 1_000;
    static final String TABLE = BenchmarkDatabase.TABLE;
    /** A free-text index made on the loaded table before the text filters are measured again: none, trgm or user_trgm. */
    static final String TEXT_INDEX = System.getProperty("textIndex", "user_trgm");
    static final String RARE_TEXT = "invoice 4711";
    static final String COMMON_TEXT = "berlin";

    private static final String PAGE_SQL = "SELECT id, user_id, action, description, severity::text AS severity, "
            + "host(ip_address) AS ip, user_agent, session_id, request_id, device_info::text AS device_info, "
            + "location_info::text AS location_info, metadata::text AS metadata, created_at FROM " + TABLE;

    private final BenchmarkDatabase db;
    private final JdbcActivityStore cachedStore;
    private final JdbcActivityStore uncachedStore;
    private final ActivityTrail trail;
    private final ActivityTrail uncachedTrail;
    private final Map<String, List<String>> results = new LinkedHashMap<>();

    private QueryLoadRun(BenchmarkDatabase db) throws IOException {
        this.db = db;
        this.cachedStore = JdbcActivityStore.builder(db.dataSource).scheduledMaintenance(false).listenForErasures(false).build();
        this.uncachedStore = JdbcActivityStore.builder(db.dataSource).scheduledMaintenance(false).listenForErasures(false)
                .statsCacheTtl(Duration.ZERO).build();
        this.trail = ActivityTrail.builder().store(cachedStore)
                .spoolDirectory(Files.createTempDirectory("activity-query-bench-spool")).build();
        this.uncachedTrail = ActivityTrail.builder().store(uncachedStore)
                .spoolDirectory(Files.createTempDirectory("activity-query-bench-spool")).build();
    }

    public static void main(String[] args) throws Exception {
        try (BenchmarkDatabase db = new BenchmarkDatabase("queries")) {
            System.out.println("server: " + one(db, "SELECT version()"));
            System.out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                    + ", cores: " + Runtime.getRuntime().availableProcessors());
            createTable(db);
            if (INGEST_SECONDS > 0) {
                IngestCost.measure(db, INGEST_SECONDS);
            }
            load(db);
            QueryLoadRun run = new QueryLoadRun(db);
            try {
                if (QUERIES && EXPLAIN) {
                    run.explainAll();
                }
                for (int round = 1; QUERIES && round <= ROUNDS; round++) {
                    run.round(round);
                }
                if (!TEXT_INDEX.equals("none")) {
                    run.textIndexPhase();
                }
                run.http();
                if (EXPORT) {
                    exportInChildJvm(db, "user-0");
                }
                run.printSummary();
            } finally {
                run.trail.close();
                run.uncachedTrail.close();
                run.cachedStore.close();
                run.uncachedStore.close();
            }
        }
    }

    // ---------------------------------------------------------------- data

    /** The table by the store's migrations, and 13 monthly partitions by its maintenance (a clock 12 months back). */
    static void createTable(BenchmarkDatabase db) {
        Clock yearAgo = Clock.fixed(firstMonth().atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600), ZoneOffset.UTC);
        try (JdbcActivityStore store = JdbcActivityStore.builder(db.dataSource).migrate(true).scheduledMaintenance(false)
                .listenForErasures(false).clock(yearAgo).partitionsAhead(12).build()) {
            store.runMaintenance();
        }
    }

    static YearMonth firstMonth() {
        return YearMonth.now(ZoneOffset.UTC).minusMonths(12);
    }

    static void load(BenchmarkDatabase db) throws SQLException {
        Instant start = firstMonth().atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = Instant.now().minusSeconds(60);
        double stepMillis = (double) Duration.between(start, end).toMillis() / ROWS;
        long n = ROWS;
        long chunk = Math.min(1_000_000, n);
        long t0 = System.nanoTime();
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk) - 1;
            // p: a permutation of 0..n-1 (6700417 is a prime, coprime to n), so the users' row
            // counts are exact while each user's rows are scattered over time. h1..h3: hashes of g.
            db.execute("INSERT INTO " + TABLE + " (" + BenchmarkDatabase.COLUMNS + ") "
                    + "SELECT gen_random_uuid(), u, action, "
                    + "  CASE action WHEN 'http_request' THEN 'GET /api/orders/' || (h3 % 100000) || ' -> 200 in ' || (h3 % 300) || ' ms' "
                    + "              WHEN 'page_view' THEN 'Viewed /' || (ARRAY['dashboard','settings','invoices','reports','profile'])[1 + h3 % 5] "
                    + "              WHEN 'invoice_paid' THEN 'Paid invoice ' || (h3 % 100000) "
                    + "              WHEN 'login' THEN 'Signed in from ' || (ARRAY['Berlin','Paris','London','Madrid','Rome','Vienna','Oslo'])[1 + h3 % 7] "
                    + "              WHEN 'login_failed' THEN 'Failed sign-in attempt' "
                    + "              ELSE initcap(replace(action, '_', ' ')) END, "
                    + "  (CASE WHEN action = 'login_failed' OR h2 % 1000 >= 955 THEN 'warning' WHEN h2 % 1000 < 15 THEN 'error' "
                    + "        WHEN h2 % 1000 < 17 THEN 'critical' ELSE 'info' END)::" + TABLE + "_severity, "
                    // A user signs in from a dozen addresses, not from a new one each time.
                    + "  ('10.' || (abs(hashtext(u)) % 256) || '.' || (abs(hashtext(u)) / 256 % 256) || '.' || (h2 % 12))::inet, "
                    + "  (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', "
                    + "         'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', "
                    + "         'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', "
                    + "         'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'])[1 + h3 % 4], "
                    + "  md5((g / 20)::text), md5(g::text), "
                    + "  '{\"browser\": \"Chrome\", \"os\": \"Linux\", \"mobile\": false}', "
                    + "  '{\"country\": \"DE\", \"city\": \"Berlin\"}', "
                    + "  jsonb_build_object('route', '/api/orders/{id}', 'status', 200, 'duration_ms', h3 % 300), "
                    + "  timestamptz '" + start + "' + (g * " + stepMillis + ") * interval '1 millisecond' "
                    + "FROM (SELECT *, "
                    + "  CASE WHEN p < " + n / 10 + " THEN 'user-0' "
                    + "       WHEN p < " + 2 * n / 10 + " THEN 'user-' || (1 + p % 100) "
                    + "       WHEN p < " + 3 * n / 10 + " THEN 'user-' || (101 + p % 1000) "
                    + "       ELSE 'user-' || (1101 + floor(98899 * power((p - " + 3 * n / 10 + ")::float8 / " + 7 * n / 10 + ", 2))::int) END AS u "
                    + "FROM (SELECT g, (g * 6700417) % " + n + " AS p, abs(hashint8(g + " + n + "))::bigint AS h2, "
                    + "             abs(hashint8(g + " + 2 * n + "))::bigint AS h3, "
                    + "             CASE WHEN abs(hashint8(g)) % 1000 < 550 THEN 'http_request' "
                    + "                  WHEN abs(hashint8(g)) % 1000 < 700 THEN 'page_view' "
                    + "                  WHEN abs(hashint8(g)) % 1000 < 800 THEN 'invoice_paid' "
                    + "                  WHEN abs(hashint8(g)) % 1000 < 880 THEN 'login' "
                    + "                  WHEN abs(hashint8(g)) % 1000 < 920 THEN 'login_failed' "
                    + "                  WHEN abs(hashint8(g)) % 1000 < 960 THEN 'profile_updated' "
                    + "                  WHEN abs(hashint8(g)) % 1000 < 990 THEN 'export_requested' "
                    + "                  ELSE 'password_changed' END AS action "
                    + "      FROM generate_series(" + from + "::bigint, " + to + "::bigint) g) s0) s");
            System.out.printf(Locale.ROOT, "loaded %,d rows (%.0f s)%n", to + 1, (System.nanoTime() - t0) / 1e9);
        }
        long vacuum = System.nanoTime();
        db.execute("VACUUM ANALYZE " + TABLE);
        System.out.printf(Locale.ROOT, "generated %,d rows in %.0f s, VACUUM ANALYZE %.0f s%n", n,
                (vacuum - t0) / 1e9, (System.nanoTime() - vacuum) / 1e9);
        System.out.println("partitions with rows: " + one(db, "SELECT count(*) FROM (SELECT tableoid FROM " + TABLE
                + " GROUP BY tableoid) p"));
        System.out.println("table size with indexes: " + one(db, "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) "
                + "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '" + TABLE + "'::regclass"));
        System.out.println("rows of user-0, user-1, user-101, user-1101, user-99999: " + one(db,
                "SELECT string_agg(n::text, ', ' ORDER BY u) FROM (SELECT u, (SELECT count(*) FROM " + TABLE
                        + " WHERE user_id = 'user-' || u) n FROM unnest(ARRAY[0, 1, 101, 1101, 99999]) u) c"));
        System.out.println("users: " + one(db, "SELECT count(DISTINCT user_id) FROM " + TABLE)
                + ", with 10,000+ rows: " + one(db, "SELECT count(*) FROM (SELECT user_id FROM " + TABLE
                        + " GROUP BY user_id HAVING count(*) >= 10000) h"));
    }

    // ---------------------------------------------------------------- measuring

    void round(int round) throws Exception {
        System.out.printf(Locale.ROOT, "%n=== round %d ===%n", round);
        Random random = new Random(round);
        List<String> warmUsers = randomUsers(random);
        List<String> users = randomUsers(random);
        List<String> heavy = range(1, 100);
        List<String> thousand = range(101 + (round - 1) * 300, 300);
        List<ActivityCursor> warmCursors = cursorsAtHalf(warmUsers);
        List<ActivityCursor> cursors = cursorsAtHalf(users);

        // Warm-up: JIT, pools, prepared statements, on other users than the measured ones.
        for (int pass = 0; pass < 3; pass++) {
            firstPage("warm-up", warmUsers, false);
            deepPage("warm-up", warmUsers, warmCursors, false);
        }
        record(round, firstPage("timeline first page, 1,000 random users", users, true));
        record(round, deepPage("timeline deep page (cursor at half the history), same users", users, cursors, true));
        record(round, selectOne(users.size()));

        List<ActivityCursor> heavyCursors = cursorsAt(heavy, ROWS / 2_000);
        record(round, deepPage("timeline page at depth 5,000, the 100 users of 10,000 rows", heavy, heavyCursors, true));
        record(round, deepPage("timeline page at depth 500,000, user-0 (1,000,000 rows)", repeat("user-0", 50),
                repeatCursor(cursorsAt(List.of("user-0"), ROWS / 20).get(0), 50), true));

        Map<String, ActivityQuery.Builder> filters = new LinkedHashMap<>();
        for (String user : List.of("10k", "user-0")) {
            List<String> who = user.equals("10k") ? heavy : repeat("user-0", 20);
            String label = user.equals("10k") ? "the 100 users of 10,000 rows" : "user-0 (1,000,000 rows) x 20";
            record(round, filtered("action = login, " + label, who, b -> b.actions("login")));
            record(round, filtered("action = password_changed (1%), " + label, who, b -> b.actions("password_changed")));
            record(round, filtered("severity = error (1.5%), " + label, who, b -> b.severities(Severity.ERROR)));
            record(round, filtered("q = \"" + COMMON_TEXT + "\" (1%), " + label, who, b -> b.text(COMMON_TEXT)));
            // Without an index, a rare word reads all of user-0's million rows: 5 samples, not 20.
            record(round, filtered("q = \"" + RARE_TEXT + "\" (rare, about 1 row in 90,000), " + label.replace("x 20", "x 5"),
                    user.equals("10k") ? who : repeat("user-0", 5), b -> b.text(RARE_TEXT)));
        }

        // Stats: every call of the uncached store computes; windows of 30 days (the API's default) and 400 (all rows).
        for (int days : new int[] {30, 400}) {
            statsUncached("warm-up", range(1101 + 2_000, 300), days, false);
            record(round, statsUncached("stats uncached, " + days + " days, 300 users of 1,000 rows", thousand, days, true));
            record(round, statsUncached("stats uncached, " + days + " days, the 100 users of 10,000 rows", heavy, days, true));
        }
        record(round, statsUncached("stats uncached, 30 days, user-0 (1,000,000 rows) x 20", repeat("user-0", 20), 30, true));
        record(round, statsCached("stats cached, 30 days, 1,000 random users x 10", users));
    }

    private void record(int round, Result r) {
        System.out.println(r);
        results.computeIfAbsent(r.label, k -> new ArrayList<>()).add("round " + round + ": " + r.figures());
    }

    Result firstPage(String label, List<String> users, boolean print) throws SQLException {
        long[] library = new long[users.size()];
        long[] baseline = new long[users.size()];
        try (Connection c = db.dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(PAGE_SQL + " WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 21")) {
            for (int i = 0; i < users.size(); i++) {
                String u = users.get(i);
                ActivityQuery q = ActivityQuery.forUser(u).limit(20).build();
                if (i % 2 == 0) {
                    library[i] = timeQuery(q);
                    baseline[i] = timeJdbc(ps, u, null);
                } else {
                    baseline[i] = timeJdbc(ps, u, null);
                    library[i] = timeQuery(q);
                }
            }
        }
        return new Result(label, library, baseline, "same SQL by JDBC");
    }

    Result deepPage(String label, List<String> users, List<ActivityCursor> cursors, boolean print) throws SQLException {
        long[] library = new long[users.size()];
        long[] baseline = new long[users.size()];
        try (Connection c = db.dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(PAGE_SQL + " WHERE user_id = ? AND created_at <= ? "
                        + "AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 21")) {
            for (int i = 0; i < users.size(); i++) {
                String u = users.get(i);
                ActivityCursor cursor = cursors.get(i);
                ActivityQuery q = ActivityQuery.forUser(u).limit(20).after(cursor).build();
                if (i % 2 == 0) {
                    library[i] = timeQuery(q);
                    baseline[i] = timeJdbc(ps, u, cursor);
                } else {
                    baseline[i] = timeJdbc(ps, u, cursor);
                    library[i] = timeQuery(q);
                }
            }
        }
        return new Result(label, library, baseline, "same SQL by JDBC");
    }

    Result filtered(String label, List<String> users, java.util.function.UnaryOperator<ActivityQuery.Builder> filter) throws SQLException {
        // Warm-up of the statement on the first user, not measured.
        trail.query(filter.apply(ActivityQuery.forUser(users.get(0)).limit(20)).build());
        long[] library = new long[users.size()];
        long[] baseline = new long[users.size()];
        for (int i = 0; i < users.size(); i++) {
            ActivityQuery q = filter.apply(ActivityQuery.forUser(users.get(i)).limit(20)).build();
            if (i % 2 == 0) {
                library[i] = timeQuery(q);
                baseline[i] = timeSelectOne();
            } else {
                baseline[i] = timeSelectOne();
                library[i] = timeQuery(q);
            }
        }
        return new Result(label, library, baseline, "SELECT 1");
    }

    Result statsUncached(String label, List<String> users, int days, boolean print) throws SQLException {
        long[] library = new long[users.size()];
        long[] baseline = new long[users.size()];
        Duration window = Duration.ofDays(days);
        try (Connection c = db.dataSource.getConnection();
                PreparedStatement counts = c.prepareStatement("SELECT action, severity::text AS severity, "
                        + "(created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM " + TABLE
                        + " WHERE user_id = ? AND created_at >= ? AND created_at < ? GROUP BY 1, 2, 3");
                PreparedStatement distinct = c.prepareStatement("SELECT count(DISTINCT ip_address) AS ips, "
                        + "count(DISTINCT user_agent_hash) AS devices FROM " + TABLE
                        + " WHERE user_id = ? AND created_at >= ? AND created_at < ?");
                PreparedStatement lastLogin = c.prepareStatement("SELECT max(created_at) FROM " + TABLE
                        + " WHERE user_id = ? AND action = 'login'")) {
            for (int i = 0; i < users.size(); i++) {
                String u = users.get(i);
                if (i % 2 == 0) {
                    library[i] = timeStats(u, window);
                    baseline[i] = timeStatsJdbc(counts, distinct, lastLogin, u, window);
                } else {
                    baseline[i] = timeStatsJdbc(counts, distinct, lastLogin, u, window);
                    library[i] = timeStats(u, window);
                }
            }
        }
        return new Result(label, library, baseline, "the 3 statements by JDBC");
    }

    Result statsCached(String label, List<String> users) {
        for (String u : users) {
            trail.stats(u, Duration.ofDays(30)); // fills the cache
        }
        long[] library = new long[users.size() * 10];
        for (int pass = 0; pass < 10; pass++) {
            for (int i = 0; i < users.size(); i++) {
                long t0 = System.nanoTime();
                trail.stats(users.get(i), Duration.ofDays(30));
                library[pass * users.size() + i] = System.nanoTime() - t0;
            }
        }
        return new Result(label, library, null, null);
    }

    Result selectOne(int n) throws SQLException {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = timeSelectOne();
        }
        return new Result("baseline: SELECT 1 round trip on the same pool", t, null, null);
    }

    private long timeQuery(ActivityQuery q) {
        long t0 = System.nanoTime();
        ActivityPage page = trail.query(q);
        long t = System.nanoTime() - t0;
        if (page.activities().size() > 20) {
            throw new IllegalStateException("page too long");
        }
        return t;
    }

    private long timeStats(String user, Duration window) {
        long t0 = System.nanoTime();
        uncachedTrail.stats(user, window);
        return System.nanoTime() - t0;
    }

    private static long timeJdbc(PreparedStatement ps, String user, ActivityCursor cursor) throws SQLException {
        long t0 = System.nanoTime();
        ps.setString(1, user);
        if (cursor != null) {
            OffsetDateTime at = cursor.createdAt().atOffset(ZoneOffset.UTC);
            ps.setObject(2, at);
            ps.setObject(3, at);
            ps.setObject(4, cursor.id());
        }
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                for (int i = 1; i <= 13; i++) {
                    rs.getString(i);
                }
            }
        }
        return System.nanoTime() - t0;
    }

    private static long timeStatsJdbc(PreparedStatement counts, PreparedStatement distinct, PreparedStatement lastLogin,
            String user, Duration window) throws SQLException {
        long t0 = System.nanoTime();
        OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime from = to.minus(window);
        for (PreparedStatement ps : List.of(counts, distinct)) {
            ps.setString(1, user);
            ps.setObject(2, from);
            ps.setObject(3, to);
            drain(ps);
        }
        lastLogin.setString(1, user);
        drain(lastLogin);
        return System.nanoTime() - t0;
    }

    private long timeSelectOne() throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            return System.nanoTime() - t0;
        }
    }

    private static void drain(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }

    /** Makes the free-text index on the loaded table and measures the text filters again. */
    void textIndexPhase() throws SQLException {
        System.out.printf(Locale.ROOT, "%n=== free-text index %s ===%n", TEXT_INDEX);
        IngestCost.extensions(db);
        long t0 = System.nanoTime();
        db.execute(IngestCost.textIndexSql(TEXT_INDEX, TABLE), "ANALYZE " + TABLE);
        System.out.printf(Locale.ROOT, "index made in %.0f s, size %s%n", (System.nanoTime() - t0) / 1e9,
                one(db, "SELECT pg_size_pretty(sum(pg_relation_size(i.indexrelid))) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        + "WHERE pg_get_indexdef(i.indexrelid) LIKE '%gin_trgm_ops%' AND i.indrelid IN "
                        + "(SELECT inhrelid FROM pg_inherits WHERE inhparent = '" + TABLE + "'::regclass)"));
        if (EXPLAIN) {
            String page = PAGE_SQL + " WHERE user_id = '%s' AND description ILIKE '%%%s%%' ESCAPE '!' ORDER BY created_at DESC, id DESC LIMIT 21";
            explain(Map.of("q rare, user-1, with index", page.formatted("user-1", RARE_TEXT),
                    "q rare, user-0, with index", page.formatted("user-0", RARE_TEXT),
                    "q common, user-0, with index", page.formatted("user-0", COMMON_TEXT),
                    "q common, user-1, with index", page.formatted("user-1", COMMON_TEXT)));
        }
        List<String> heavy = range(1, 100);
        for (int round = 1; round <= ROUNDS; round++) {
            for (String user : List.of("10k", "user-0")) {
                List<String> who = user.equals("10k") ? heavy : repeat("user-0", 20);
                String label = (user.equals("10k") ? "the 100 users of 10,000 rows" : "user-0 (1,000,000 rows) x 20") + ", " + TEXT_INDEX + " index";
                record(round, filtered("q = \"" + COMMON_TEXT + "\" (1%), " + label, who, b -> b.text(COMMON_TEXT)));
                record(round, filtered("q = \"" + RARE_TEXT + "\" (rare, about 1 row in 90,000), " + label, who, b -> b.text(RARE_TEXT)));
            }
        }
    }

    // ---------------------------------------------------------------- HTTP

    /** GET {base} and GET {base}/stats through real HTTP on Jetty, signed in by a header the resolver trusts. */
    void http() throws Exception {
        System.out.printf(Locale.ROOT, "%n=== HTTP ===%n");
        ApiSettings settings = ApiSettings.builder()
                .userResolver(request -> Optional.ofNullable(request.getHeader("X-Bench-User")))
                .readLimit(1_000_000).build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ActivityApiServlet(trail, AccessPolicy.roles(), settings)), settings.urlPattern());
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("application/json");
                resp.getWriter().write("{\"success\":true,\"data\":{}}");
            }
        }), "/trivial");
        // The second baseline: a servlet that sends a page the API sent, byte for byte (set once the
        // first page is fetched), so that carrying the body costs both sides alike.
        AtomicReference<byte[]> samePage = new AtomicReference<>(new byte[0]);
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("application/json");
                byte[] page = samePage.get();
                resp.setContentLength(page.length);
                resp.getOutputStream().write(page);
            }
        }), "/same-page");
        server.setHandler(context);
        server.start();
        try {
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            samePage.set(client.send(HttpRequest.newBuilder(URI.create(base + settings.basePath()))
                    .header("X-Bench-User", "user-5000").GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body());
            System.out.printf(Locale.ROOT, "same-page baseline: %,d bytes (the first page of user-5000)%n", samePage.get().length);
            for (int round = 1; round <= ROUNDS; round++) {
                Random random = new Random(100 + round);
                List<String> warm = randomUsers(random);
                List<String> users = randomUsers(random);
                httpRound(client, base, settings.basePath(), "", warm, ""); // warm-up
                httpRound(client, base, settings.basePath(), "/stats", warm, "");
                httpPageRound(client, base, settings.basePath(), warm); // warm-up
                record(round, httpRound(client, base, settings.basePath(), "", users, ""));
                for (Result r : httpPageRound(client, base, settings.basePath(), users)) {
                    record(round, r);
                }
                record(round, httpRound(client, base, settings.basePath(), "/stats", users, ", first call (not cached)"));
                record(round, httpRound(client, base, settings.basePath(), "/stats", users, ", again (cached)"));
            }
        } finally {
            server.stop();
        }
    }

    private Result httpRound(HttpClient client, String base, String path, String route, List<String> users, String what) throws Exception {
        long[] library = new long[users.size()];
        long[] baseline = new long[users.size()];
        for (int i = 0; i < users.size(); i++) {
            HttpRequest api = HttpRequest.newBuilder(URI.create(base + path + route)).header("X-Bench-User", users.get(i)).GET().build();
            HttpRequest trivial = HttpRequest.newBuilder(URI.create(base + "/trivial")).header("X-Bench-User", users.get(i)).GET().build();
            if (i % 2 == 0) {
                library[i] = timeHttp(client, api);
                baseline[i] = timeHttp(client, trivial);
            } else {
                baseline[i] = timeHttp(client, trivial);
                library[i] = timeHttp(client, api);
            }
        }
        return new Result("HTTP GET {base}" + route + ", 1,000 random users" + what, library, baseline, "GET of a trivial servlet, same Jetty");
    }

    /**
     * {@code GET {base}} against the servlet that sends the same bytes, and that servlet against
     * the trivial one: what the API's work costs over carrying its page, and what carrying costs.
     */
    private List<Result> httpPageRound(HttpClient client, String base, String path, List<String> users) throws Exception {
        long[] library = new long[users.size()];
        long[] samePage = new long[users.size()];
        long[] trivial = new long[users.size()];
        for (int i = 0; i < users.size(); i++) {
            HttpRequest[] requests = {
                HttpRequest.newBuilder(URI.create(base + path)).header("X-Bench-User", users.get(i)).GET().build(),
                HttpRequest.newBuilder(URI.create(base + "/same-page")).header("X-Bench-User", users.get(i)).GET().build(),
                HttpRequest.newBuilder(URI.create(base + "/trivial")).header("X-Bench-User", users.get(i)).GET().build()};
            long[][] into = {library, samePage, trivial};
            for (int k = 0; k < 3; k++) { // each goes first, second and third in turn
                int which = (i + k) % 3;
                into[which][i] = timeHttp(client, requests[which]);
            }
        }
        return List.of(
                new Result("HTTP GET {base}, 1,000 random users, against the same bytes", library, samePage,
                        "a servlet sending a page of the API's, same Jetty"),
                new Result("HTTP GET of the same bytes, against the trivial servlet", samePage, trivial,
                        "GET of a trivial servlet, same Jetty"));
    }

    private static long timeHttp(HttpClient client, HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long t = System.nanoTime() - t0;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + ": " + response.statusCode() + " " + new String(response.body()));
        }
        return t;
    }

    // ---------------------------------------------------------------- export

    static void exportInChildJvm(BenchmarkDatabase db, String user) throws Exception {
        System.out.printf(Locale.ROOT, "%n=== export of %s in a child JVM, -Xmx64m ===%n", user);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ExportInSmallHeap.class.getName(), db.url, db.schema, user).inheritIO().start();
        int exit = child.waitFor();
        System.out.println("EXPORT child JVM exit code " + exit);
    }

    // ---------------------------------------------------------------- plans

    void explainAll() throws SQLException {
        String page = PAGE_SQL + " WHERE user_id = '%s'%s ORDER BY created_at DESC, id DESC LIMIT 21";
        Map<String, String> plans = new LinkedHashMap<>();
        plans.put("first page, user-5000", page.formatted("user-5000", ""));
        plans.put("first page, user-1", page.formatted("user-1", ""));
        ActivityCursor deep = cursorsAt(List.of("user-0"), ROWS / 20).get(0);
        plans.put("page at depth 500,000, user-0", page.formatted("user-0", " AND created_at <= '" + deep.createdAt()
                + "' AND (created_at, id) < ('" + deep.createdAt() + "', '" + deep.id() + "')"));
        plans.put("action = password_changed, user-1", page.formatted("user-1", " AND action = 'password_changed'"));
        plans.put("severity = error, user-1", page.formatted("user-1", " AND severity = ANY('{error}'::text[]::" + TABLE + "_severity[])"));
        plans.put("q rare, user-1", page.formatted("user-1", " AND description ILIKE '%" + RARE_TEXT + "%' ESCAPE '!'"));
        plans.put("q rare, user-0", page.formatted("user-0", " AND description ILIKE '%" + RARE_TEXT + "%' ESCAPE '!'"));
        plans.put("q common, user-0", page.formatted("user-0", " AND description ILIKE '%" + COMMON_TEXT + "%' ESCAPE '!'"));
        plans.put("stats_counts 400 days, user-1", "SELECT action, severity::text AS severity, (created_at AT TIME ZONE 'UTC')::date AS day, "
                + "count(*) AS n FROM " + TABLE + " WHERE user_id = 'user-1' AND created_at >= now() - interval '400 days' "
                + "AND created_at < now() GROUP BY 1, 2, 3");
        plans.put("stats_distinct 400 days, user-1", "SELECT count(DISTINCT ip_address), count(DISTINCT user_agent_hash) FROM " + TABLE
                + " WHERE user_id = 'user-1' AND created_at >= now() - interval '400 days' AND created_at < now()");
        plans.put("stats_last_login, user-1", "SELECT max(created_at) FROM " + TABLE + " WHERE user_id = 'user-1' AND action = 'login'");
        explain(plans);
    }

    void explain(Map<String, String> plans) throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(plans).entrySet()) {
                s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + e.getValue()).close(); // once to warm
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + e.getValue())) {
                    while (rs.next()) {
                        plan.append("    ").append(rs.getString(1)).append('\n');
                    }
                }
                System.out.printf(Locale.ROOT, "%nPLAN %s%n%s", e.getKey(), plan);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private List<ActivityCursor> cursorsAtHalf(List<String> users) throws SQLException {
        List<ActivityCursor> cursors = new ArrayList<>();
        long[] depths = new long[users.size()];
        try (Connection c = db.dataSource.getConnection();
                PreparedStatement count = c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE user_id = ?")) {
            for (int i = 0; i < users.size(); i++) {
                count.setString(1, users.get(i));
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    depths[i] = rs.getLong(1) / 2;
                }
            }
        }
        for (int i = 0; i < users.size(); i++) {
            cursors.add(cursorsAt(List.of(users.get(i)), depths[i]).get(0));
        }
        long[] sorted = depths.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "deep cursors: depth p50 %d, p90 %d, max %d rows%n",
                sorted[sorted.length / 2], sorted[sorted.length * 9 / 10], sorted[sorted.length - 1]);
        return cursors;
    }

    /** The cursor after the {@code depth}-th newest row of each user. */
    private List<ActivityCursor> cursorsAt(List<String> users, long depth) throws SQLException {
        List<ActivityCursor> cursors = new ArrayList<>();
        try (Connection c = db.dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT created_at, id FROM " + TABLE
                        + " WHERE user_id = ? ORDER BY created_at DESC, id DESC OFFSET ? LIMIT 1")) {
            for (String u : users) {
                ps.setString(1, u);
                ps.setLong(2, Math.max(0, depth - 1));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    cursors.add(new ActivityCursor(rs.getTimestamp(1).toInstant(), rs.getObject(2, UUID.class)));
                }
            }
        }
        return cursors;
    }

    private static List<String> randomUsers(Random random) {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < RANDOM_USERS; i++) {
            users.add("user-" + random.nextInt(100_000));
        }
        return users;
    }

    private static List<String> range(int first, int count) {
        List<String> users = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            users.add("user-" + i);
        }
        return users;
    }

    private static List<String> repeat(String user, int n) {
        return new ArrayList<>(java.util.Collections.nCopies(n, user));
    }

    private static List<ActivityCursor> repeatCursor(ActivityCursor cursor, int n) {
        return new ArrayList<>(java.util.Collections.nCopies(n, cursor));
    }

    void printSummary() {
        System.out.printf(Locale.ROOT, "%n=== summary (µs) ===%n");
        results.forEach((label, rounds) -> {
            System.out.println(label);
            rounds.forEach(r -> System.out.println("    " + r));
        });
    }

    static String one(BenchmarkDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Timings of one figure, with its baseline when there is one. */
    record Result(String label, long[] library, long[] baseline, String baselineName) {
        String figures() {
            long[] l = library.clone();
            Arrays.sort(l);
            String s = String.format(Locale.ROOT, "n=%d p50 %s p99 %s max %s", l.length, us(pct(l, 50)), us(pct(l, 99)), us(l[l.length - 1]));
            if (baseline != null) {
                long[] b = baseline.clone();
                Arrays.sort(b);
                s += String.format(Locale.ROOT, " | baseline (%s) p50 %s p99 %s | ratio p50 %.2f p99 %.2f", baselineName,
                        us(pct(b, 50)), us(pct(b, 99)), (double) pct(l, 50) / pct(b, 50), (double) pct(l, 99) / pct(b, 99));
            }
            return s;
        }

        @Override
        public String toString() {
            return "RESULT " + label + ": " + figures();
        }

        static long pct(long[] sorted, double p) {
            int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        static String us(long nanos) {
            return String.format(Locale.ROOT, nanos < 10_000 ? "%,.2f" : "%,.0f", nanos / 1e3);
        }
    }
}
