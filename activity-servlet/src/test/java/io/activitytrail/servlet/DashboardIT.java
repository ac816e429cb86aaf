package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.Severity;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.testsupport.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in Debian's headless Chromium, against Jetty with the API servlet and a
 * {@link JdbcActivityStore} on (embedded) PostgreSQL seeded with activities. One browser for the
 * class; each test signs in as whom it needs. The browser's time zone is Asia/Kolkata (+05:30), so
 * that local times differ from UTC by a non-whole hour.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
    private static final String BASE = "/api/profile/activity";
    private static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String WIDER = "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)"
            + ".map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right)).slice(0, 25)";
    private static final String IMG = "<img src=x onerror=alert(1)>";
    private static final String SCRIPT = "\"><script>window.__xss=1</script>";
    private static final String[][] KINDS = {
        {"login", "info"}, {"invoice_paid", "info"}, {"login_failed", "warning"},
        {"invoice_paid", "info"}, {"export_failed", "error"}, {"password_changed", "critical"}};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
        "curl/8.5.0"};

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    private final List<Activity> alice = new ArrayList<>();
    private JdbcActivityStore store;
    private ActivityTrail trail;
    private DashboardTestServer server;
    private Chromium chromium;
    private ChromeDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        chromium = Chromium.start();
        driver = chromium.driver;
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        store = JdbcActivityStore.builder(postgres.dataSource()).migrate(true).scheduledMaintenance(false)
                .scheduledRetention(false).build();
        trail = ActivityTrail.builder().store(store).spoolDirectory(temp.resolve("spool"))
                .flushInterval(Duration.ofMillis(20)).build();
        seed();
        Map<String, ActivityApiServlet> servlets = new LinkedHashMap<>();
        servlets.put(BASE + "/*", new ActivityApiServlet(trail, AccessPolicy.roles(),
                ApiSettings.builder().readLimit(100_000).exportLimit(1_000).dashboardCspReportUri("/csp-report").build()));
        servlets.put("/limited/*", new ActivityApiServlet(trail, AccessPolicy.roles(),
                ApiSettings.builder().basePath("/limited").readLimit(2).rateLimitWindow(Duration.ofHours(1)).build()));
        server = new DashboardTestServer(servlets);
        chromium.timeZone(ZONE.getId());
        // Any alert() would be recorded here, before the page's own scripts run.
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.alert = function () { window.__alerted = (window.__alerted || 0) + 1; };"));
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
        if (trail != null) {
            trail.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void plainDesktop() {
        chromium.viewport(1280, 900, false);
        chromium.colorScheme("light");
        chromium.consoleErrors(); // drop what earlier tests left
    }

    private void seed() {
        for (int i = 0; i < 42; i++) {
            String[] kind = KINDS[i % KINDS.length];
            Activity.Builder b = Activity.builder("alice", kind[0]).severity(Severity.fromValue(kind[1]))
                    .description(kind[0].equals("invoice_paid") ? "Paid invoice " + i : "Alice event " + i)
                    .ipAddress(i % 2 == 0 ? "203.0.113.0" : "198.51.100.0").userAgent(AGENTS[i % AGENTS.length])
                    .requestId("req-" + i).createdAt(now.minus(Duration.ofHours(i * 15L + 1)))
                    .metadata(Map.of("n", i));
            if (i % 3 == 0) {
                b.deviceInfo(Map.of("browser", "Firefox", "browser_version", "128", "os", "Linux", "device_type", "desktop"));
                b.locationInfo(Map.of("city", "Lyon", "region", "Auvergne-Rhone-Alpes", "country", "France", "country_code", "FR"));
            }
            alice.add(b.build());
        }
        alice.sort(Comparator.comparing(Activity::createdAt).reversed());
        List<Activity> rows = new ArrayList<>(alice);
        for (int i = 0; i < 5; i++) {
            rows.add(Activity.builder("bob", "login").description("Bob's private thing " + i)
                    .createdAt(now.minus(Duration.ofHours(i + 2))).build());
        }
        for (int i = 0; i < 3; i++) {
            rows.add(Activity.builder("erin", "login").description("Erin signed in " + i)
                    .createdAt(now.minus(Duration.ofHours(i + 3))).build());
        }
        rows.add(Activity.builder("mallory", "profile_changed").description(IMG).userAgent(SCRIPT)
                .deviceInfo(Map.of("browser", IMG)).locationInfo(Map.of("city", SCRIPT))
                .metadata(Map.of("note", IMG, IMG, SCRIPT)).createdAt(now.minus(Duration.ofHours(1))).build());
        rows.add(Activity.builder("mallory", "profile_changed").description(SCRIPT).userAgent(IMG)
                .metadata(Map.of("note", SCRIPT)).createdAt(now.minus(Duration.ofHours(2))).build());
        assertThat(store.write(rows).inserted()).isEqualTo(rows.size());
    }

    // --- helpers

    private void signIn(String user, String roles) {
        driver.get(server.url("/test-login?user=" + user + (roles == null ? "" : "&roles=" + roles)));
        assertThat(driver.findElement(By.tagName("body")).getText()).isEqualTo("signed in as " + user);
    }

    private void signOut() {
        driver.get(server.url("/test-login"));
    }

    /** Opens the dashboard (with a query, or "") and waits until its first view finished loading. */
    private void open(String query) {
        driver.get(server.url(BASE + "/dashboard" + query));
        awaitReady(null);
    }

    private String ready() {
        return driver.findElement(By.tagName("body")).getDomAttribute("data-ready");
    }

    /** Waits until a view newer than {@code before} has loaded (any view when null). */
    private void awaitReady(String before) {
        wait.until(d -> {
            String r = ready();
            return r != null && !r.equals(before)
                    && "false".equals(d.findElement(By.id("timeline")).getDomAttribute("aria-busy"))
                    && "false".equals(d.findElement(By.id("summary")).getDomAttribute("aria-busy"));
        });
    }

    private void act(Runnable action) {
        String before = ready();
        action.run();
        awaitReady(before);
    }

    private List<WebElement> rows() {
        return driver.findElements(By.cssSelector("#rows tbody tr"));
    }

    private List<String> column(String col) {
        return rows().stream().map(r -> r.findElement(By.cssSelector("td[data-col=" + col + "]")).getText()).toList();
    }

    private List<String> rowIds() {
        return rows().stream().map(r -> r.getDomAttribute("data-id")).toList();
    }

    private List<String> ids(Predicate<Activity> filter, int skip, int limit) {
        return alice.stream().filter(filter).skip(skip).limit(limit).map(a -> a.id().toString()).toList();
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private String card(String key) {
        return driver.findElement(By.cssSelector("[data-card=" + key + "] dd")).getText();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    private void type(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    private void assertNothingRan() {
        assertThat(js("return window.__xss === undefined && window.__alerted === undefined")).isEqualTo(true);
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    private void assertNoConsoleErrorsNorCspReports() {
        List<LogEntry> errors = chromium.consoleErrors();
        assertThat(errors).extracting(LogEntry::getMessage).isEmpty();
        // Reports are posted in the background: the count must stay 0 for a while, not just now.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> server.reports("") == 0);
        assertThat(server.reports("")).as("CSP reports: %s", server.reportBodies).isZero();
    }

    // --- tests

    @Test
    void shouldShowStatsCardsAndAChartThatMatchTheSeededData() {
        signIn("alice", null);
        open("");

        assertThat(text("who")).isEqualTo("Signed in as alice (user view)");
        assertThat(card("total")).isEqualTo("42");
        Map<String, Long> bySeverity = alice.stream().collect(Collectors.groupingBy(a -> a.severity().value(), Collectors.counting()));
        assertThat(card("info")).isEqualTo(String.valueOf(bySeverity.get("info")));
        assertThat(card("warning")).isEqualTo(String.valueOf(bySeverity.get("warning")));
        assertThat(card("error")).isEqualTo(String.valueOf(bySeverity.get("error")));
        assertThat(card("critical")).isEqualTo(String.valueOf(bySeverity.get("critical")));
        assertThat(card("failed_logins")).isEqualTo("7");
        assertThat(card("distinct_devices")).isEqualTo("3");
        assertThat(card("distinct_ips")).isEqualTo("2");
        Instant lastLogin = alice.stream().filter(a -> a.action().equals("login")).map(Activity::createdAt).max(Comparator.naturalOrder()).orElseThrow();
        assertThat(card("last_login_at")).isEqualTo(LOCAL.format(lastLogin.atZone(ZONE)));

        // The chart: one bar per UTC day of the 30-day window, heights from the seeded rows.
        Map<String, Long> perDay = new TreeMap<>(alice.stream().collect(Collectors.groupingBy(
                a -> LocalDate.ofInstant(a.createdAt(), ZoneOffset.UTC).toString(), Collectors.counting())));
        List<WebElement> bars = driver.findElements(By.cssSelector("#chart svg rect.bar"));
        assertThat(bars).hasSize(31);
        Map<String, Long> drawn = new TreeMap<>();
        for (WebElement bar : bars) {
            long n = Long.parseLong(bar.getDomAttribute("data-count"));
            if (n > 0) {
                drawn.put(bar.getDomAttribute("data-day"), n);
                assertThat(Double.parseDouble(bar.getDomAttribute("height"))).isPositive();
            } else {
                assertThat(Double.parseDouble(bar.getDomAttribute("height"))).isZero();
            }
        }
        assertThat(drawn).isEqualTo(perDay);
        // Taller bar for a busier day.
        long max = perDay.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long min = perDay.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        if (max > min) {
            double hMax = bars.stream().filter(b -> b.getDomAttribute("data-count").equals(String.valueOf(max)))
                    .mapToDouble(b -> Double.parseDouble(b.getDomAttribute("height"))).max().orElseThrow();
            double hMin = bars.stream().filter(b -> b.getDomAttribute("data-count").equals(String.valueOf(min)))
                    .mapToDouble(b -> Double.parseDouble(b.getDomAttribute("height"))).min().orElseThrow();
            assertThat(hMax).isGreaterThan(hMin);
        }
        // The text alternative: the same numbers as a table, and a summary the SVG is labelled by.
        Map<String, Long> table = new TreeMap<>();
        for (WebElement tr : driver.findElements(By.cssSelector("#chart-table tbody tr"))) {
            List<WebElement> td = tr.findElements(By.tagName("td"));
            long n = Long.parseLong(td.get(1).getDomProperty("textContent"));
            if (n > 0) {
                table.put(td.get(0).getDomProperty("textContent"), n);
            }
        }
        assertThat(table).isEqualTo(perDay);
        assertThat(driver.findElement(By.cssSelector("#chart svg")).getDomAttribute("role")).isEqualTo("img");
        assertThat(driver.findElement(By.cssSelector("#chart svg desc")).getDomProperty("textContent"))
                .startsWith("42 activities over 31 days");

        // Breakdown by action, busiest first.
        Map<String, Long> byAction = alice.stream().collect(Collectors.groupingBy(Activity::action, Collectors.counting()));
        List<WebElement> items = driver.findElements(By.cssSelector("#by-action li"));
        assertThat(items).hasSize(byAction.size());
        assertThat(items.get(0).getDomAttribute("data-action")).isEqualTo("invoice_paid");
        for (WebElement li : items) {
            assertThat(li.findElement(By.className("count")).getText())
                    .isEqualTo(String.valueOf(byAction.get(li.getDomAttribute("data-action"))));
        }

        // The table: newest first, times in the viewer's zone, severity badges, device and location.
        assertThat(rowIds()).isEqualTo(ids(a -> true, 0, 20));
        assertThat(column("time").get(0)).isEqualTo(LOCAL.format(alice.get(0).createdAt().atZone(ZONE)));
        assertThat(text("rows-caption")).isIn("Times in Asia/Kolkata.", "Times in Asia/Calcutta.");
        assertThat(column("severity")).isEqualTo(alice.stream().limit(20).map(a -> a.severity().value()).toList());
        int withDevice = alice.indexOf(alice.stream().filter(a -> !a.deviceInfo().isEmpty()).findFirst().orElseThrow());
        assertThat(column("device").get(withDevice)).isEqualTo("Firefox 128 on Linux (desktop)");
        // A user sees their location to the region only, and no IP address: the page shows what the API sends.
        assertThat(column("location").get(withDevice)).isEqualTo("Auvergne-Rhone-Alpes, France");
        assertThat(driver.findElements(By.cssSelector("#rows td[data-col=ip]"))).isEmpty();
        assertThat(driver.findElement(By.id("ip-head")).isDisplayed()).isFalse();
        assertThat(driver.findElements(By.cssSelector("#rows td[data-col=device]")).get(withDevice == 0 ? 1 : 0).getText())
                .isEqualTo(alice.get(withDevice == 0 ? 1 : 0).deviceInfo().isEmpty() ? "" : "Firefox 128 on Linux (desktop)");
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("null").doesNotContain("undefined");
    }

    @Test
    void shouldChangeTheRowsWhenFilteringAndPaging() {
        signIn("alice", null);
        open("?limit=10");

        assertThat(rowIds()).isEqualTo(ids(a -> true, 0, 10));
        assertThat(driver.findElement(By.id("newer")).isEnabled()).isFalse();
        act(() -> click("older"));
        assertThat(rowIds()).isEqualTo(ids(a -> true, 10, 10));
        assertThat(text("page-label")).isEqualTo("Page 2");
        act(() -> click("older"));
        act(() -> click("older"));
        act(() -> click("older"));
        assertThat(rowIds()).isEqualTo(ids(a -> true, 40, 10)).hasSize(2);
        assertThat(driver.findElement(By.id("older")).isEnabled()).isFalse();
        act(() -> click("newer"));
        assertThat(rowIds()).isEqualTo(ids(a -> true, 30, 10));
        act(() -> click("newer"));
        act(() -> click("newer"));
        act(() -> click("newer"));
        assertThat(rowIds()).isEqualTo(ids(a -> true, 0, 10));
        assertThat(driver.findElement(By.id("newer")).isEnabled()).isFalse();

        // Severity filter.
        act(() -> {
            driver.findElement(By.cssSelector("#filters input[value=warning]")).click();
            click("apply");
        });
        assertThat(rowIds()).isEqualTo(ids(a -> a.severity() == Severity.WARNING, 0, 10)).hasSize(7);
        assertThat(column("severity")).containsOnly("warning");

        // Action and text filters, with paging reset.
        act(() -> {
            driver.findElement(By.cssSelector("#filters input[value=warning]")).click();
            type("f-action", "invoice_paid");
            click("apply");
        });
        assertThat(rowIds()).isEqualTo(ids(a -> a.action().equals("invoice_paid"), 0, 10));
        act(() -> click("older"));
        assertThat(rowIds()).isEqualTo(ids(a -> a.action().equals("invoice_paid"), 10, 10)).hasSize(4);
        act(() -> {
            type("f-q", "invoice 13");
            click("apply");
        });
        assertThat(column("description")).containsExactly("Paid invoice 13");
        assertThat(text("page-label")).isEqualTo("Page 1");

        // Clicking an action in the breakdown filters by it.
        act(() -> click("reset"));
        assertThat(rows()).hasSize(10);
        act(() -> driver.findElement(By.cssSelector("#by-action li[data-action=export_failed] button")).click());
        assertThat(rowIds()).isEqualTo(ids(a -> a.action().equals("export_failed"), 0, 10));
        assertThat(driver.findElement(By.id("f-action")).getDomProperty("value")).isEqualTo("export_failed");

        // Nothing matches: the empty state.
        act(() -> {
            type("f-q", "no such words anywhere");
            click("apply");
        });
        assertThat(rows()).isEmpty();
        assertThat(text("timeline-state")).isEqualTo("No activity matches these filters.");
        assertNoConsoleErrorsNorCspReports();
    }

    @Test
    void shouldRoundTripTheFiltersThroughTheUrlAndTheBackButton() {
        signIn("alice", null);
        // A day in the viewer's zone, and the rows whose local date it is.
        LocalDate day = alice.get(5).createdAt().atZone(ZONE).toLocalDate();
        Predicate<Activity> onDay = a -> a.createdAt().atZone(ZONE).toLocalDate().equals(day);
        open("?action=invoice_paid&limit=10");
        String first = driver.getCurrentUrl();
        assertThat(driver.findElement(By.id("f-action")).getDomProperty("value")).isEqualTo("invoice_paid");
        assertThat(new Select(driver.findElement(By.id("f-limit"))).getFirstSelectedOption().getText()).isEqualTo("10");
        assertThat(rowIds()).isEqualTo(ids(a -> a.action().equals("invoice_paid"), 0, 10));

        act(() -> {
            type("f-action", "");
            driver.findElement(By.cssSelector("#filters input[value=info]")).click();
            type("f-q", "invoice 13");
            click("apply");
        });
        assertThat(driver.getCurrentUrl()).endsWith("/dashboard?severity=info&q=invoice+13&limit=10");
        assertThat(column("description")).containsExactly("Paid invoice 13");

        act(() -> driver.navigate().back());
        assertThat(driver.getCurrentUrl()).isEqualTo(first);
        assertThat(driver.findElement(By.id("f-q")).getDomProperty("value")).isEmpty();
        assertThat(driver.findElement(By.cssSelector("#filters input[value=info]")).isSelected()).isFalse();
        assertThat(rowIds()).isEqualTo(ids(a -> a.action().equals("invoice_paid"), 0, 10));

        act(() -> driver.navigate().forward());
        assertThat(column("description")).containsExactly("Paid invoice 13");
        assertThat(driver.findElement(By.cssSelector("#filters input[value=info]")).isSelected()).isTrue();

        // A bookmarked date range, in the viewer's zone.
        open("?from=" + day + "&to=" + day + "&limit=100");
        assertThat(driver.findElement(By.id("f-from")).getDomProperty("value")).isEqualTo(day.toString());
        assertThat(rowIds()).isEqualTo(ids(onDay, 0, 100)).isNotEmpty();
        driver.navigate().refresh();
        awaitReady(null);
        assertThat(rowIds()).isEqualTo(ids(onDay, 0, 100));

        // The window of the summary lives in the URL too.
        act(() -> new Select(driver.findElement(By.id("days"))).selectByValue("7"));
        assertThat(driver.getCurrentUrl()).contains("days=7");
        assertThat(driver.findElements(By.cssSelector("#chart svg rect.bar"))).hasSize(8);
        act(() -> driver.navigate().back());
        assertThat(driver.findElements(By.cssSelector("#chart svg rect.bar"))).hasSize(31);
        assertNoConsoleErrorsNorCspReports();
    }

    @Test
    void shouldNotLetAUserReachAnotherUsersActivityThroughThePage() {
        signIn("alice", null);
        open("?user=bob");
        assertThat(text("alert")).isEqualTo("You may not see the activity of bob.");
        assertThat(rows()).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#cards .card"))).isEmpty();
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("Bob's private");
        assertThat(driver.findElement(By.id("lookup")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("erase")).isDisplayed()).isFalse();

        // Support without the permission: the lookup is offered, the API refuses what is typed.
        signIn("sam", "support");
        open("");
        assertThat(driver.findElement(By.id("lookup")).isDisplayed()).isTrue();
        act(() -> {
            type("lookup-user", "bob");
            driver.findElement(By.cssSelector("#lookup-form button[type=submit]")).click();
        });
        assertThat(driver.getCurrentUrl()).endsWith("/dashboard?user=bob");
        assertThat(text("alert")).isEqualTo("You may not see the activity of bob.");
        assertThat(rows()).isEmpty();
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("Bob's private");

        // With the permission, the same steps show bob's activity: the refusal above is the API's.
        signIn("sue", "support,view_user_activities");
        open("");
        act(() -> {
            type("lookup-user", "bob");
            driver.findElement(By.cssSelector("#lookup-form button[type=submit]")).click();
        });
        assertThat(text("alert")).isEmpty();
        assertThat(text("title")).isEqualTo("Activity of bob");
        assertThat(column("description")).hasSize(5).allMatch(d -> d.startsWith("Bob's private thing"));
        assertThat(driver.findElement(By.id("erase")).isDisplayed()).as("erasure is for admins").isFalse();
    }

    @Test
    void shouldRenderHostileValuesAsTextAndRunNothing() {
        signIn("root", "admin");
        open("?user=mallory");
        assertThat(column("description")).containsExactly(IMG, SCRIPT);
        assertThat(column("device").get(0)).isEqualTo(IMG);
        assertThat(column("location").get(0)).isEqualTo(SCRIPT);
        assertThat(js("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertThat(js("return document.scripts.length")).isEqualTo(1L);

        for (int i = 0; i < 2; i++) {
            int row = i;
            rows().get(row).findElement(By.cssSelector("td[data-col=details] button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
            String agent = driver.findElement(By.cssSelector("#detail-fields [data-field=user_agent] dd")).getText();
            String metadata = driver.findElement(By.id("detail-metadata")).getText();
            assertThat(agent).isEqualTo(row == 0 ? SCRIPT : IMG);
            assertThat(driver.findElement(By.cssSelector("#detail-fields [data-field=description] dd")).getText())
                    .isEqualTo(row == 0 ? IMG : SCRIPT);
            if (row == 0) {
                assertThat(metadata).contains("\"note\": \"" + IMG + "\"").contains("\"" + IMG + "\": \"\\\"><script>window.__xss=1</script>\"");
                assertThat(driver.findElement(By.cssSelector("#detail-fields [data-field=device_info] dd")).getText())
                        .isEqualTo("browser: " + IMG);
            } else {
                assertThat(metadata).contains("\"note\": \"\\\"><script>window.__xss=1</script>\"");
            }
            assertThat(js("return document.querySelectorAll('img, #detail script, #rows script').length")).isEqualTo(0L);
            click("detail-close");
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("detail")));
        }
        assertNothingRan();
        assertNoConsoleErrorsNorCspReports();

        // Mallory's own view: the description, as text.
        signIn("mallory", null);
        open("");
        assertThat(column("description")).containsExactly(IMG, SCRIPT);
        assertThat(js("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertNothingRan();
        assertNoConsoleErrorsNorCspReports();
    }

    @ParameterizedTest(name = "{0} px, {2}")
    @CsvSource({"1280, 900, light", "1280, 900, dark", "375, 812, light", "375, 812, dark"})
    void shouldLoadWithoutConsoleErrorsOrCspViolations(int width, int height, String scheme) throws Exception {
        chromium.viewport(width, height, width < 600);
        chromium.colorScheme(scheme);
        assertThat(js("return matchMedia('(prefers-color-scheme: dark)').matches")).isEqualTo(scheme.equals("dark"));

        signIn("alice", null);
        open("");
        assertThat(rows()).hasSize(20);
        assertThat(js("return getComputedStyle(document.body).backgroundColor"))
                .isEqualTo(scheme.equals("dark") ? "rgb(15, 20, 25)" : "rgb(245, 246, 248)");
        assertThat(((Number) js("return window.innerWidth")).intValue()).as("wider than the viewport: %s", js(WIDER)).isEqualTo(width);
        // Nothing wider than the viewport: the table scrolls inside its own region.
        assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(width);
        rows().get(0).findElement(By.cssSelector("td[data-col=details] button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        assertThat(driver.findElement(By.cssSelector("#detail-fields [data-field=action] dd")).getText()).isEqualTo(alice.get(0).action());
        click("detail-close");
        if (width == 1280 && scheme.equals("light")) {
            screenshot("dashboard-user.png", 4000);
        } else if (width == 375 && scheme.equals("dark")) {
            screenshot("dashboard-phone-dark.png", 1500);
        }
        assertNoConsoleErrorsNorCspReports();

        signIn("root", "admin");
        open("?user=alice");
        assertThat(rows()).hasSize(20);
        assertThat(column("ip")).as("the admin view has the (masked) IP").hasSize(20).allMatch(ip -> ip.matches("\\d+\\.\\d+\\.\\d+\\.0"));
        assertThat(column("location")).contains("Lyon, Auvergne-Rhone-Alpes, France");
        assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(width);
        if (width == 1280 && scheme.equals("light")) {
            screenshot("dashboard-admin.png", 4000);
        }
        assertNoConsoleErrorsNorCspReports();
    }

    @Test
    void shouldReportAndBlockWhatBreaksThePolicyOnTheCanaryPage() throws Exception {
        // The dashboard's own policy, from its response, reporting to a path of its own.
        signIn("alice", null);
        open("");
        String policy = (String) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[0]; fetch(location.href).then(r => done(r.headers.get('Content-Security-Policy')));");
        assertThat(policy).contains("report-uri /csp-report").contains("script-src 'self'").contains("style-src 'self'");
        server.canaryPolicy = policy.replace("report-uri /csp-report", "report-uri /csp-report/canary");
        chromium.consoleErrors();

        driver.get(server.url("/csp-canary"));
        assertThat(js("return window.__inlineRan === undefined")).isEqualTo(true);
        assertThat(js("return getComputedStyle(document.querySelector('p')).color")).isNotEqualTo("rgb(255, 0, 0)");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.reports("/canary") >= 2);
        assertThat(chromium.consoleErrors()).extracting(LogEntry::getMessage).anyMatch(m -> m.contains("Content Security Policy"));
        assertThat(server.reports("")).isZero();
    }

    @Test
    void shouldLetAnAdminLookAUserUpAndEraseThemAfterConfirmation() {
        signIn("root", "admin");
        open("");
        assertThat(text("who")).isEqualTo("Signed in as root (admin view)");
        assertThat(driver.findElement(By.id("erase")).isDisplayed()).as("no erasure of one's own view").isFalse();
        act(() -> {
            type("lookup-user", "erin");
            driver.findElement(By.cssSelector("#lookup-form button[type=submit]")).click();
        });
        assertThat(text("title")).isEqualTo("Activity of erin");
        assertThat(column("description")).containsExactly("Erin signed in 0", "Erin signed in 1", "Erin signed in 2");
        assertThat(card("total")).isEqualTo("3");
        assertThat(driver.findElement(By.id("export-ndjson")).getDomAttribute("href"))
                .isEqualTo(server.url(BASE + "/users/erin/export?format=ndjson"));

        click("erase-start");
        WebElement go = driver.findElement(By.id("erase-go"));
        assertThat(go.isDisplayed()).isTrue();
        assertThat(go.isEnabled()).isFalse();
        assertThat(driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("erase-typed");
        type("erase-typed", "eri");
        assertThat(go.isEnabled()).isFalse();
        type("erase-typed", "erin");
        assertThat(go.isEnabled()).isTrue();
        click("erase-cancel");
        assertThat(driver.findElement(By.id("erase-confirm")).isDisplayed()).isFalse();
        assertThat(store.query(ActivityQuery.forUser("erin").build()).activities()).as("cancel erases nothing").hasSize(3);

        click("erase-start");
        type("erase-typed", "erin");
        act(() -> click("erase-go"));
        wait.until(d -> text("status").equals("Erased 3 activities of erin."));
        assertThat(store.query(ActivityQuery.forUser("erin").build()).activities()).isEmpty();
        assertThat(rows()).isEmpty();
        assertThat(card("total")).isEqualTo("0");
        assertThat(text("timeline-state")).isEqualTo("No activity matches these filters.");
        assertNoConsoleErrorsNorCspReports();
    }

    @Test
    void shouldOfferExportsOfTheViewedUsersHistory() {
        signIn("alice", null);
        open("");
        String ndjson = driver.findElement(By.id("export-ndjson")).getDomAttribute("href");
        assertThat(ndjson).isEqualTo(server.url(BASE + "/export?format=ndjson"));
        assertThat(driver.findElement(By.id("export-csv")).getDomAttribute("href")).isEqualTo(server.url(BASE + "/export?format=csv"));
        String body = (String) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));", ndjson);
        assertThat(body.lines().toList()).hasSize(42).allMatch(l -> l.startsWith("{") && l.contains("\"action\""));
        assertThat(body).contains(alice.get(0).id().toString()).doesNotContain("Bob's private");
    }

    @Test
    void shouldShowTheErrorAndEmptyStates() {
        signOut();
        driver.get(server.url(BASE + "/dashboard"));
        wait.until(d -> "error".equals(ready()));
        assertThat(text("alert")).isEqualTo("You are not signed in, or your session has ended. Sign in again, then reload this page.");
        chromium.consoleErrors();

        signIn("alice", null);
        driver.get(server.url("/limited/dashboard"));
        wait.until(d -> !text("alert").isEmpty());
        assertThat(text("alert")).matches("Too many requests\\. Try again in \\d+ seconds\\.");
        chromium.consoleErrors();

        signIn("nobody", null);
        open("");
        assertThat(text("alert")).isEmpty();
        assertThat(rows()).isEmpty();
        assertThat(text("timeline-state")).isEqualTo("No activity matches these filters.");
        assertThat(card("total")).isEqualTo("0");
        assertThat(card("last_login_at")).isEqualTo("—");
        assertThat(text("by-action")).isEqualTo("No activity in this window.");
        assertNoConsoleErrorsNorCspReports();
    }

    @Test
    void shouldBeUsableWithTheKeyboardAndLabelled() {
        signIn("alice", null);
        open("");
        // Every control has an accessible name.
        assertThat(js("""
                return [...document.querySelectorAll('input, select, button, a[href]')]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                  .map(e => e.id || e.outerHTML)""")).asList().isEmpty();

        Actions keys = new Actions(driver);
        keys.sendKeys(Keys.TAB).perform();
        assertThat(driver.switchTo().activeElement().getText()).isEqualTo("Skip to the activity table");
        WebElement focused = null;
        for (int i = 0; i < 80; i++) {
            keys.sendKeys(Keys.TAB).perform();
            WebElement e = driver.switchTo().activeElement();
            if ("Details".equals(e.getText())) {
                focused = e;
                break;
            }
        }
        assertThat(focused).as("a Details button reached with Tab").isNotNull();
        assertThat(focused.getDomAttribute("aria-label")).isEqualTo("Details of " + alice.get(0).action() + " at "
                + LOCAL.format(alice.get(0).createdAt().atZone(ZONE)));
        keys.sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        assertThat(driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("detail-close");
        assertThat(driver.findElement(By.cssSelector("#detail-fields [data-field=id] dd")).getText()).isEqualTo(alice.get(0).id().toString());
        keys.sendKeys(Keys.ESCAPE).perform();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("detail")));
        assertThat(driver.switchTo().activeElement()).isEqualTo(focused);
        assertNoConsoleErrorsNorCspReports();
    }

    /** The page from its top, at most {@code maxHeight} pixels of it, to target/. */
    private void screenshot(String name, int maxHeight) throws Exception {
        js("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()");
        int width = ((Number) js("return window.innerWidth")).intValue();
        int height0 = ((Number) js("return window.innerHeight")).intValue();
        int height = ((Number) js("return document.documentElement.scrollHeight")).intValue();
        chromium.viewport(width, Math.min(height, maxHeight), width < 600);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
        chromium.viewport(width, height0, width < 600);
    }
}
