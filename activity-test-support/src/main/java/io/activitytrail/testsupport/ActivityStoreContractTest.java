package io.activitytrail.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.RetentionResult;
import io.activitytrail.Severity;
import io.activitytrail.WriteResult;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ActivityStore} must pass: extend this class, return the store under
 * test from {@link #store()}, and run it with the implementation's other tests.
 *
 * <pre>{@code
 * class MyActivityStoreContractTest extends ActivityStoreContractTest {
 *     private static final MyActivityStore STORE = new MyActivityStore(...);
 *
 *     @Override
 *     protected ActivityStore store() {
 *         return STORE;
 *     }
 * }
 * }</pre>
 *
 * <p>The store may be shared by every test of the class (one database schema, say) and need not
 * be empty: each test works on users of its own, made by {@link #newUserId()}. Tests back-date
 * activities to 2024 and later, except the retention test, which uses 2001 and 2002 and removes
 * what is older than a cutoff in 2001; stores shared with other tests should hold nothing older
 * than that which they want to keep.
 *
 * <p>JSON values (device info, location info, metadata) are compared as JSON: a store may read
 * {@code 7L} back as {@code 7} and keys in another order. IP addresses are compared as written for
 * canonical spellings, and as addresses for others (PostgreSQL's {@code inet} prints its own).
 */
public abstract class ActivityStoreContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** PostgreSQL's uuid order: unsigned, byte by byte (not {@link UUID#compareTo}, which is signed). */
    private static final Comparator<UUID> UUID_ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    /** Timeline order: newest first, ties by id descending. */
    private static final Comparator<Activity> NEWEST_FIRST =
            Comparator.comparing(Activity::createdAt).thenComparing(Activity::id, UUID_ORDER).reversed();

    private static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589793Z");

    /**
     * The store under test. It may return the same instance for every test, and that instance may
     * hold other activities; it is not closed by this class.
     */
    protected abstract ActivityStore store();

    /** A user id no other test (of this or any other run) uses. */
    protected static String newUserId() {
        return "contract-" + UUID.randomUUID();
    }

    // ---------------------------------------------------------------- write and read back

    @Test
    void shouldReadBackEveryFieldAsWritten() {
        String user = newUserId();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("invoice", 17);
        metadata.put("amount", 12.5);
        metadata.put("big", 5_000_000_000L);
        metadata.put("paid", true);
        metadata.put("refunded", false);
        metadata.put("note", null);
        metadata.put("tags", List.of("a", "b", "c"));
        metadata.put("lines", List.of(Map.of("sku", "X-1", "qty", 2), Map.of("sku", "Y-2", "qty", 1)));
        metadata.put("nested", Map.of("deeper", Map.of("deepest", List.of(1, List.of(2, List.of(3))))));
        metadata.put("empty", Map.of());
        metadata.put("none", List.of());
        metadata.put("text", "quote \" backslash \\ slash / newline \n tab \t ctrl \u0001 emoji \uD83D\uDE00 "
                + "accents \u00e9\u00fc cjk \u4e2d\u6587 rtl \u05e9\u05dc\u05d5\u05dd");
        metadata.put("sql", "'); DROP TABLE user_activity_logs; --");
        Activity v4 = Activity.builder(user, "invoice_paid")
                .description("Paid invoice 17 \u2013 \u20ac12.50, \"thanks\" \uD83D\uDE00")
                .severity(Severity.CRITICAL)
                .ipAddress("203.0.113.7")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .sessionId("3f1a9c0e5b7d4e2f8a6c1b3d5e7f9a0b")
                .requestId("req-" + UUID.randomUUID())
                .deviceInfo(Map.of("browser", "Firefox", "version", "128.0", "mobile", false,
                        "os", Map.of("name", "Linux", "arch", "x86_64")))
                .locationInfo(Map.of("country", "DE", "city", "Berlin", "lat", 52.52, "lon", 13.405))
                .metadata(metadata)
                .createdAt(Instant.parse("2025-03-14T09:26:53.123456Z"))
                .build();
        Activity v6 = Activity.builder(user, "login")
                .description("Signed in")
                .severity(Severity.WARNING)
                .ipAddress("2001:db8:85a3::8a2e:370:7334")
                .userAgent("curl/8.5.0")
                .sessionId("s")
                .requestId("r")
                .createdAt(Instant.parse("2025-03-14T09:26:53.000001Z"))
                .build();
        Activity bare = Activity.builder(user, "http_request")
                .createdAt(Instant.parse("2025-03-14T09:26:52.999999Z"))
                .build();

        WriteResult result = store().write(List.of(v4, v6, bare));

        assertThat(result.inserted()).isEqualTo(3);
        assertThat(result.rejected()).isEmpty();
        List<Activity> read = timeline(user);
        assertThat(read).hasSize(3);
        assertSameActivity(read.get(0), v4);
        assertSameActivity(read.get(1), v6);
        assertSameActivity(read.get(2), bare);
        List<Activity> exported = export(user);
        assertThat(exported).hasSize(3);
        assertSameActivity(exported.get(0), bare);
        assertSameActivity(exported.get(1), v6);
        assertSameActivity(exported.get(2), v4);
    }

    @Test
    void shouldKeepCreatedAtToTheMicrosecond() {
        String user = newUserId();
        List<Instant> instants = List.of(
                Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-01-01T00:00:00.000001Z"),
                Instant.parse("2025-01-01T00:00:00.999999Z"),
                Instant.parse("2025-06-30T23:59:59.999999Z"),
                Instant.parse("2025-07-01T00:00:00.000001Z"),
                Instant.parse("2025-02-28T12:34:56.100000Z"));
        List<Activity> written = new ArrayList<>();
        for (Instant at : instants) {
            written.add(Activity.builder(user, "tick").createdAt(at).build());
        }
        write(written);

        assertThat(timeline(user)).extracting(Activity::createdAt)
                .containsExactlyElementsOf(instants.stream().sorted(Comparator.reverseOrder()).toList());
    }

    @Test
    void shouldReadBackIpv4AndIpv6Addresses() {
        String user = newUserId();
        List<String> canonical = List.of("0.0.0.0", "203.0.113.255", "::1", "fe80::1", "2001:db8::7",
                "::ffff:192.0.2.1", "2001:db8:85a3:1:2:8a2e:370:7334");
        List<Activity> written = new ArrayList<>();
        for (int i = 0; i < canonical.size(); i++) {
            written.add(Activity.builder(user, "ip").ipAddress(canonical.get(i)).createdAt(T0.plusSeconds(i)).build());
        }
        Activity otherSpelling = Activity.builder(user, "ip").ipAddress("2001:DB8:0:0:0:0:0:AB")
                .createdAt(T0.plusSeconds(100)).build();
        written.add(otherSpelling);
        write(written);

        List<Activity> read = export(user);
        assertThat(read.subList(0, canonical.size())).extracting(Activity::ipAddress)
                .containsExactlyElementsOf(canonical);
        String readBack = read.get(canonical.size()).ipAddress();
        assertThat(readBack).isNotNull();
        assertThat(address(readBack)).isEqualTo(address("2001:db8::ab"));
    }

    // ---------------------------------------------------------------- idempotent writes

    @Test
    void shouldInsertNothingWhenTheSameBatchIsWrittenAgain() {
        String user = newUserId();
        List<Activity> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(Activity.builder(user, "retry").description("n" + i).createdAt(T0.plusMillis(i)).build());
        }

        WriteResult first = store().write(batch);
        WriteResult second = store().write(batch);

        assertThat(first.inserted()).isEqualTo(5);
        assertThat(second.inserted()).isZero();
        assertThat(second.rejected()).isEmpty();
        assertThat(timeline(user)).hasSize(5).extracting(Activity::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids(batch));
    }

    @Test
    void shouldCountOnlyTheNewActivitiesOfAPartlyStoredBatch() {
        String user = newUserId();
        List<Activity> old = List.of(
                Activity.builder(user, "a").createdAt(T0).build(),
                Activity.builder(user, "a").createdAt(T0.plusSeconds(1)).build(),
                Activity.builder(user, "a").createdAt(T0.plusSeconds(2)).build());
        List<Activity> fresh = List.of(
                Activity.builder(user, "b").createdAt(T0.plusSeconds(3)).build(),
                Activity.builder(user, "b").createdAt(T0.minusSeconds(3)).build());
        write(old);
        List<Activity> mixed = new ArrayList<>();
        mixed.add(fresh.get(0));
        mixed.addAll(old);
        mixed.add(fresh.get(1));

        assertThat(store().write(mixed).inserted()).isEqualTo(2);
        assertThat(timeline(user)).hasSize(5).extracting(Activity::id).doesNotHaveDuplicates();
    }

    @Test
    void shouldStoreAnActivityRepeatedWithinOneBatchOnce() {
        String user = newUserId();
        Activity once = Activity.builder(user, "dup").createdAt(T0).build();
        Activity other = Activity.builder(user, "dup").createdAt(T0.plusSeconds(1)).build();

        WriteResult result = store().write(List.of(once, other, once));

        assertThat(result.inserted()).isEqualTo(2);
        assertThat(timeline(user)).extracting(Activity::id).containsExactly(other.id(), once.id());
    }

    @Test
    void shouldAcceptAnEmptyBatch() {
        WriteResult result = store().write(List.of());

        assertThat(result.inserted()).isZero();
        assertThat(result.rejected()).isEmpty();
    }

    // ---------------------------------------------------------------- order

    @Test
    void shouldReturnNewestFirstWithTiesOnCreatedAtBrokenByIdDescending() {
        String user = newUserId();
        Instant tie = T0.plusSeconds(60);
        // First bytes chosen so that signed and unsigned uuid order disagree.
        Activity low = Activity.builder(user, "tie").id(idStartingWith(0x01)).createdAt(tie).build();
        Activity mid = Activity.builder(user, "tie").id(idStartingWith(0x7f)).createdAt(tie).build();
        Activity high = Activity.builder(user, "tie").id(idStartingWith(0x80)).createdAt(tie).build();
        Activity top = Activity.builder(user, "tie").id(idStartingWith(0xfe)).createdAt(tie).build();
        Activity older = Activity.builder(user, "x").id(idStartingWith(0xff)).createdAt(tie.minusNanos(1_000)).build();
        Activity newer = Activity.builder(user, "x").id(idStartingWith(0x00)).createdAt(tie.plusNanos(1_000)).build();
        write(List.of(mid, older, top, newer, low, high));
        List<UUID> expected = List.of(newer.id(), top.id(), high.id(), mid.id(), low.id(), older.id());

        assertThat(query(ActivityQuery.forUser(user).limit(100).build()).activities())
                .extracting(Activity::id).containsExactlyElementsOf(expected);
        assertThat(allPages(ActivityQuery.forUser(user).limit(1))).extracting(Activity::id)
                .containsExactlyElementsOf(expected);
        assertThat(allPages(ActivityQuery.forUser(user).limit(4))).extracting(Activity::id)
                .containsExactlyElementsOf(expected);
        assertThat(export(user)).extracting(Activity::id)
                .containsExactlyElementsOf(reversed(expected));
    }

    // ---------------------------------------------------------------- filters

    @Test
    void shouldFilterByActions() {
        String user = newUserId();
        List<Activity> all = List.of(
                Activity.builder(user, "login").createdAt(T0).build(),
                Activity.builder(user, "logout").createdAt(T0.plusSeconds(1)).build(),
                Activity.builder(user, "invoice_paid").createdAt(T0.plusSeconds(2)).build(),
                Activity.builder(user, "login").createdAt(T0.plusSeconds(3)).build(),
                Activity.builder(user, "login_failed").createdAt(T0.plusSeconds(4)).build());
        write(all);

        assertThat(query(ActivityQuery.forUser(user).actions("login").build()).activities())
                .extracting(Activity::id).containsExactly(all.get(3).id(), all.get(0).id());
        assertThat(query(ActivityQuery.forUser(user).actions("login", "logout").build()).activities())
                .extracting(Activity::id).containsExactly(all.get(3).id(), all.get(1).id(), all.get(0).id());
        assertThat(query(ActivityQuery.forUser(user).actions("password_changed").build()).activities()).isEmpty();
        assertThat(query(ActivityQuery.forUser(user).build()).activities()).hasSize(5);
    }

    @Test
    void shouldFilterBySeverities() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        int i = 0;
        for (Severity severity : List.of(Severity.INFO, Severity.WARNING, Severity.ERROR, Severity.CRITICAL,
                Severity.ERROR, Severity.INFO)) {
            all.add(Activity.builder(user, "event").severity(severity).createdAt(T0.plusSeconds(i++)).build());
        }
        write(all);

        assertThat(query(ActivityQuery.forUser(user).severities(Severity.ERROR, Severity.CRITICAL).build())
                .activities()).extracting(Activity::id)
                .containsExactly(all.get(4).id(), all.get(3).id(), all.get(2).id());
        assertThat(query(ActivityQuery.forUser(user).severities(Severity.WARNING).build()).activities())
                .extracting(Activity::id).containsExactly(all.get(1).id());
        assertThat(query(ActivityQuery.forUser(user).severities(Severity.values()).build()).activities())
                .hasSize(6);
    }

    @Test
    void shouldFilterByTimeWithFromInclusiveAndToExclusive() {
        String user = newUserId();
        Instant from = Instant.parse("2025-04-30T22:00:00Z");
        Instant to = Instant.parse("2025-05-01T02:00:00Z");
        Activity beforeFrom = Activity.builder(user, "t").createdAt(from.minusNanos(1_000)).build();
        Activity atFrom = Activity.builder(user, "t").createdAt(from).build();
        Activity inside = Activity.builder(user, "t").createdAt(Instant.parse("2025-05-01T00:00:00Z")).build();
        Activity beforeTo = Activity.builder(user, "t").createdAt(to.minusNanos(1_000)).build();
        Activity atTo = Activity.builder(user, "t").createdAt(to).build();
        write(List.of(beforeFrom, atFrom, inside, beforeTo, atTo));

        assertThat(query(ActivityQuery.forUser(user).from(from).to(to).build()).activities())
                .extracting(Activity::id).containsExactly(beforeTo.id(), inside.id(), atFrom.id());
        assertThat(query(ActivityQuery.forUser(user).from(from).build()).activities())
                .extracting(Activity::id).containsExactly(atTo.id(), beforeTo.id(), inside.id(), atFrom.id());
        assertThat(query(ActivityQuery.forUser(user).to(to).build()).activities())
                .extracting(Activity::id).containsExactly(beforeTo.id(), inside.id(), atFrom.id(), beforeFrom.id());
        assertThat(query(ActivityQuery.forUser(user).from(to).build()).activities())
                .extracting(Activity::id).containsExactly(atTo.id());
        assertThat(query(ActivityQuery.forUser(user).to(from).build()).activities())
                .extracting(Activity::id).containsExactly(beforeFrom.id());
    }

    @Test
    void shouldFilterBySessionId() {
        String user = newUserId();
        Activity a = Activity.builder(user, "s").sessionId("sess-1").createdAt(T0).build();
        Activity b = Activity.builder(user, "s").sessionId("sess-2").createdAt(T0.plusSeconds(1)).build();
        Activity c = Activity.builder(user, "s").sessionId("sess-1").createdAt(T0.plusSeconds(2)).build();
        Activity none = Activity.builder(user, "s").createdAt(T0.plusSeconds(3)).build();
        write(List.of(a, b, c, none));

        assertThat(query(ActivityQuery.forUser(user).sessionId("sess-1").build()).activities())
                .extracting(Activity::id).containsExactly(c.id(), a.id());
        assertThat(query(ActivityQuery.forUser(user).sessionId("sess-2").build()).activities())
                .extracting(Activity::id).containsExactly(b.id());
        assertThat(query(ActivityQuery.forUser(user).sessionId("sess-").build()).activities()).isEmpty();
        assertThat(query(ActivityQuery.forUser(user).sessionId("SESS-1").build()).activities()).isEmpty();
    }

    @Test
    void shouldFilterByRequestId() {
        String user = newUserId();
        Activity a = Activity.builder(user, "r").requestId("req-a").createdAt(T0).build();
        Activity b = Activity.builder(user, "r").requestId("req-b").createdAt(T0.plusSeconds(1)).build();
        Activity none = Activity.builder(user, "r").createdAt(T0.plusSeconds(2)).build();
        write(List.of(a, b, none));

        assertThat(query(ActivityQuery.forUser(user).requestId("req-a").build()).activities())
                .extracting(Activity::id).containsExactly(a.id());
        assertThat(query(ActivityQuery.forUser(user).requestId("req").build()).activities()).isEmpty();
    }

    @Test
    void shouldFilterByIpAddressWrittenInAnySpelling() {
        String user = newUserId();
        Activity v4 = Activity.builder(user, "ip").ipAddress("203.0.113.9").createdAt(T0).build();
        Activity v4other = Activity.builder(user, "ip").ipAddress("203.0.113.90").createdAt(T0.plusSeconds(1)).build();
        Activity v6 = Activity.builder(user, "ip").ipAddress("2001:db8::9").createdAt(T0.plusSeconds(2)).build();
        Activity v6other = Activity.builder(user, "ip").ipAddress("2001:db8::90").createdAt(T0.plusSeconds(3)).build();
        Activity none = Activity.builder(user, "ip").createdAt(T0.plusSeconds(4)).build();
        write(List.of(v4, v4other, v6, v6other, none));

        assertThat(query(ActivityQuery.forUser(user).ipAddress("203.0.113.9").build()).activities())
                .extracting(Activity::id).containsExactly(v4.id());
        assertThat(query(ActivityQuery.forUser(user).ipAddress("2001:db8::9").build()).activities())
                .extracting(Activity::id).containsExactly(v6.id());
        assertThat(query(ActivityQuery.forUser(user).ipAddress("2001:DB8:0:0:0:0:0:9").build()).activities())
                .extracting(Activity::id).containsExactly(v6.id());
        assertThat(query(ActivityQuery.forUser(user).ipAddress("198.51.100.1").build()).activities()).isEmpty();
    }

    @Test
    void shouldFilterByTextAsACaseInsensitiveSubstringOfTheDescription() {
        String user = newUserId();
        Activity paid17 = described(user, "Paid invoice 17", 0);
        Activity paid19 = described(user, "PAID INVOICE 19", 1);
        Activity unpaid = described(user, "Invoice 18 is overdue", 2);
        Activity quote = described(user, "Renamed to O'Brien", 3);
        Activity none = Activity.builder(user, "d").createdAt(T0.plusSeconds(4)).build();
        write(List.of(paid17, paid19, unpaid, quote, none));

        assertThat(textQuery(user, "paid invoice")).containsExactly(paid19.id(), paid17.id());
        assertThat(textQuery(user, "Invoice 1")).containsExactly(unpaid.id(), paid19.id(), paid17.id());
        assertThat(textQuery(user, "o'brien")).containsExactly(quote.id());
        assertThat(textQuery(user, "aid invoice 1")).containsExactly(paid19.id(), paid17.id());
        assertThat(textQuery(user, "invoice 20")).isEmpty();
    }

    @Test
    void shouldMatchPercentUnderscoreAndBackslashInTextLiterally() {
        String user = newUserId();
        Activity percent = described(user, "Paid with 100% discount", 0);
        Activity noPercent = described(user, "Paid with 1000 discount", 1);
        Activity underscore = described(user, "Uploaded file_name.txt", 2);
        Activity noUnderscore = described(user, "Uploaded filexname.txt", 3);
        Activity backslash = described(user, "Saved to C:\\temp\\x", 4);
        Activity noBackslash = described(user, "Saved to C:temp", 5);
        write(List.of(percent, noPercent, underscore, noUnderscore, backslash, noBackslash));

        assertThat(textQuery(user, "100%")).containsExactly(percent.id());
        assertThat(textQuery(user, "%")).containsExactly(percent.id());
        assertThat(textQuery(user, "0% d")).containsExactly(percent.id());
        assertThat(textQuery(user, "e_n")).containsExactly(underscore.id());
        assertThat(textQuery(user, "_")).containsExactly(underscore.id());
        assertThat(textQuery(user, "C:\\temp")).containsExactly(backslash.id());
        assertThat(textQuery(user, "\\")).containsExactly(backslash.id());
        assertThat(textQuery(user, "%%")).isEmpty();
        assertThat(textQuery(user, "[a-z]")).isEmpty();
    }

    @Test
    void shouldCombineFiltersSoThatEveryOneHolds() {
        String user = newUserId();
        Activity match = Activity.builder(user, "login_failed").severity(Severity.WARNING).description("Bad password")
                .ipAddress("198.51.100.7").sessionId("s-1").requestId("r-1").createdAt(T0).build();
        Activity wrongAction = match.toBuilder().id(UUID.randomUUID()).action("login").build();
        Activity wrongSeverity = match.toBuilder().id(UUID.randomUUID()).severity(Severity.INFO).build();
        Activity wrongIp = match.toBuilder().id(UUID.randomUUID()).ipAddress("198.51.100.8").build();
        Activity wrongSession = match.toBuilder().id(UUID.randomUUID()).sessionId("s-2").build();
        Activity wrongRequest = match.toBuilder().id(UUID.randomUUID()).requestId("r-2").build();
        Activity wrongText = match.toBuilder().id(UUID.randomUUID()).description("Locked").build();
        Activity tooEarly = match.toBuilder().id(UUID.randomUUID()).createdAt(T0.minusSeconds(3600)).build();
        write(List.of(match, wrongAction, wrongSeverity, wrongIp, wrongSession, wrongRequest, wrongText, tooEarly));

        ActivityPage page = query(ActivityQuery.forUser(user)
                .actions("login_failed").severities(Severity.WARNING).ipAddress("198.51.100.7")
                .sessionId("s-1").requestId("r-1").text("password")
                .from(T0.minusSeconds(60)).to(T0.plusSeconds(60)).build());

        assertThat(page.activities()).extracting(Activity::id).containsExactly(match.id());
    }

    // ---------------------------------------------------------------- paging

    @Test
    void shouldPageByCursorAcrossMonthsWithoutGapsOrDuplicates() {
        String user = newUserId();
        Random random = new Random(42);
        Instant start = Instant.parse("2024-11-03T10:15:30.123456Z");
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // About 9 months; every fifth activity shares its createdAt with the one before it.
            Instant at = i % 5 == 4 ? all.get(i - 1).createdAt()
                    : start.plus(random.nextInt(270 * 24 * 60), ChronoUnit.MINUTES).plusNanos(random.nextInt(1_000_000) * 1_000L);
            all.add(Activity.builder(user, i % 3 == 0 ? "login" : "http_request").description("n" + i).createdAt(at).build());
        }
        List<Activity> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, random);
        for (int i = 0; i < shuffled.size(); i += 50) {
            write(shuffled.subList(i, i + 50));
        }
        List<Activity> expected = all.stream().sorted(NEWEST_FIRST).toList();
        assertThat(expected.get(0).createdAt()).isAfter(Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(expected.get(expected.size() - 1).createdAt()).isBefore(Instant.parse("2024-12-01T00:00:00Z"));

        List<ActivityPage> pages = new ArrayList<>();
        ActivityPage page = query(ActivityQuery.forUser(user).limit(7).build());
        pages.add(page);
        while (page.nextCursor().isPresent()) {
            page = query(ActivityQuery.forUser(user).limit(7).after(page.nextCursor().get()).build());
            pages.add(page);
            assertThat(pages).as("pages read").hasSizeLessThanOrEqualTo(40);
        }

        assertThat(pages).hasSize(36);
        assertThat(pages.subList(0, 35)).allSatisfy(p -> assertThat(p.activities()).hasSize(7));
        assertThat(pages.get(35).activities()).hasSize(5);
        assertThat(pages.stream().flatMap(p -> p.activities().stream()).map(Activity::id).toList())
                .containsExactlyElementsOf(ids(expected));
    }

    @Test
    void shouldPageByCursorWithAFilter() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(Activity.builder(user, i % 3 == 0 ? "login" : "http_request")
                    .createdAt(Instant.parse("2025-01-20T00:00:00Z").plus(i * 2L, ChronoUnit.DAYS)).build());
        }
        write(all);
        List<Activity> logins = all.stream().filter(a -> a.action().equals("login")).sorted(NEWEST_FIRST).toList();

        assertThat(allPages(ActivityQuery.forUser(user).actions("login").limit(3)))
                .extracting(Activity::id).containsExactlyElementsOf(ids(logins));
        Instant from = Instant.parse("2025-02-15T00:00:00Z");
        Instant to = Instant.parse("2025-04-10T00:00:00Z");
        List<Activity> window = all.stream()
                .filter(a -> !a.createdAt().isBefore(from) && a.createdAt().isBefore(to)).sorted(NEWEST_FIRST).toList();
        assertThat(window).hasSizeGreaterThan(20);
        assertThat(allPages(ActivityQuery.forUser(user).from(from).to(to).limit(4)))
                .extracting(Activity::id).containsExactlyElementsOf(ids(window));
    }

    @Test
    void shouldGiveANextCursorOnlyWhenThereAreOlderActivities() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(Activity.builder(user, "c").createdAt(T0.plusSeconds(i)).build());
        }
        write(all.subList(0, 5));

        ActivityPage exact = query(ActivityQuery.forUser(user).limit(5).build());
        assertThat(exact.activities()).hasSize(5);
        assertThat(exact.nextCursor()).isEmpty();

        write(all.subList(5, 6));
        ActivityPage first = query(ActivityQuery.forUser(user).limit(5).build());
        assertThat(first.activities()).extracting(Activity::id)
                .containsExactlyElementsOf(ids(all.stream().sorted(NEWEST_FIRST).limit(5).toList()));
        assertThat(first.nextCursor()).isPresent();
        ActivityPage second = query(ActivityQuery.forUser(user).limit(5).after(first.nextCursor().get()).build());
        assertThat(second.activities()).extracting(Activity::id).containsExactly(all.get(0).id());
        assertThat(second.nextCursor()).isEmpty();
    }

    @Test
    void shouldReturnNumberedPagesWithTotals() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            all.add(Activity.builder(user, i < 8 ? "login" : "http_request")
                    .createdAt(Instant.parse("2025-02-27T00:00:00Z").plus(i * 7L, ChronoUnit.HOURS)).build());
        }
        Collections.shuffle(all, new Random(7));
        write(all);
        List<Activity> expected = all.stream().sorted(NEWEST_FIRST).toList();

        ActivityPage page1 = query(ActivityQuery.forUser(user).limit(10).page(1).build());
        ActivityPage page2 = query(ActivityQuery.forUser(user).limit(10).page(2).build());
        ActivityPage page3 = query(ActivityQuery.forUser(user).limit(10).page(3).build());
        ActivityPage page4 = query(ActivityQuery.forUser(user).limit(10).page(4).build());

        assertThat(page1.activities()).extracting(Activity::id).containsExactlyElementsOf(ids(expected.subList(0, 10)));
        assertThat(page2.activities()).extracting(Activity::id).containsExactlyElementsOf(ids(expected.subList(10, 20)));
        assertThat(page3.activities()).extracting(Activity::id).containsExactlyElementsOf(ids(expected.subList(20, 23)));
        assertThat(page4.activities()).isEmpty();
        for (ActivityPage page : List.of(page1, page2, page3, page4)) {
            assertThat(page.pagination()).hasValueSatisfying(p -> {
                assertThat(p.total()).isEqualTo(23);
                assertThat(p.limit()).isEqualTo(10);
                assertThat(p.totalPages()).isEqualTo(3);
            });
        }
        assertThat(page1.pagination().orElseThrow().page()).isEqualTo(1);
        assertThat(page3.pagination().orElseThrow().page()).isEqualTo(3);

        ActivityPage logins = query(ActivityQuery.forUser(user).actions("login").limit(5).page(2).build());
        assertThat(logins.pagination().orElseThrow().total()).isEqualTo(8);
        assertThat(logins.pagination().orElseThrow().totalPages()).isEqualTo(2);
        assertThat(logins.activities()).extracting(Activity::id).containsExactlyElementsOf(
                ids(expected.stream().filter(a -> a.action().equals("login")).skip(5).toList()));
    }

    @Test
    void shouldReturnAtMostLimitActivities() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            all.add(Activity.builder(user, "l").createdAt(T0.plusSeconds(i)).build());
        }
        write(all);
        List<UUID> expected = ids(all.stream().sorted(NEWEST_FIRST).toList());

        assertThat(query(ActivityQuery.forUser(user).limit(1).build()).activities()).extracting(Activity::id)
                .containsExactlyElementsOf(expected.subList(0, 1));
        assertThat(query(ActivityQuery.forUser(user).limit(7).build()).activities()).extracting(Activity::id)
                .containsExactlyElementsOf(expected.subList(0, 7));
        assertThat(query(ActivityQuery.forUser(user).build()).activities()).extracting(Activity::id)
                .containsExactlyElementsOf(expected.subList(0, ActivityQuery.DEFAULT_LIMIT));
        assertThat(query(ActivityQuery.forUser(user).limit(ActivityQuery.MAX_LIMIT).build()).activities())
                .extracting(Activity::id).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldReturnAnEmptyPageForAUserWithoutActivities() {
        String user = newUserId();

        ActivityPage keyset = query(ActivityQuery.forUser(user).build());
        ActivityPage numbered = query(ActivityQuery.forUser(user).page(1).build());

        assertThat(keyset.activities()).isEmpty();
        assertThat(keyset.nextCursor()).isEmpty();
        assertThat(numbered.activities()).isEmpty();
        assertThat(numbered.pagination()).hasValueSatisfying(p -> {
            assertThat(p.total()).isZero();
            assertThat(p.totalPages()).isZero();
        });
    }

    // ---------------------------------------------------------------- isolation

    @Test
    void shouldNeverReturnActivitiesOfOtherUsers() {
        String user = newUserId();
        String longer = user + "0";
        String upper = user.toUpperCase(Locale.ROOT);
        Instant at = Instant.parse("2025-05-05T05:05:05Z");
        List<Activity> mine = List.of(
                Activity.builder(user, "login").ipAddress("198.51.100.1").userAgent("ua-1").description("mine").createdAt(at).build(),
                Activity.builder(user, "logout").description("mine").createdAt(at.plusSeconds(1)).build());
        List<Activity> theirs = List.of(
                Activity.builder(longer, "login").ipAddress("198.51.100.2").userAgent("ua-2").description("mine too?").createdAt(at).build(),
                Activity.builder(longer, "login_failed").createdAt(at.plusSeconds(2)).build(),
                Activity.builder(upper, "login").ipAddress("198.51.100.3").userAgent("ua-3").createdAt(at.plusSeconds(3)).build());
        List<Activity> both = new ArrayList<>(theirs);
        both.addAll(mine);
        write(both);

        assertThat(timeline(user)).extracting(Activity::id).containsExactly(mine.get(1).id(), mine.get(0).id());
        assertThat(query(ActivityQuery.forUser(user).text("mine").build()).activities()).hasSize(2)
                .allSatisfy(a -> assertThat(a.userId()).isEqualTo(user));
        assertThat(query(ActivityQuery.forUser(user).page(1).build()).pagination().orElseThrow().total()).isEqualTo(2);
        assertThat(export(user)).extracting(Activity::userId).containsOnly(user);
        ActivityStats stats = store().stats(user, at.minusSeconds(60), at.plusSeconds(60));
        assertThat(stats.total()).isEqualTo(2);
        assertThat(stats.failedLogins()).isZero();
        assertThat(stats.distinctIps()).isEqualTo(1);
        assertThat(stats.distinctDevices()).isEqualTo(1);
        assertThat(stats.byAction()).containsOnly(Map.entry("login", 1L), Map.entry("logout", 1L));
        assertThat(timeline(longer)).hasSize(2).allSatisfy(a -> assertThat(a.userId()).isEqualTo(longer));
        assertThat(timeline(upper)).hasSize(1).allSatisfy(a -> assertThat(a.userId()).isEqualTo(upper));
    }

    // ---------------------------------------------------------------- stats

    @Test
    void shouldComputeStatsOverTheWindow() {
        String user = newUserId();
        Instant from = Instant.parse("2024-05-10T10:30:00Z");
        Instant to = Instant.parse("2024-05-14T12:00:00Z");
        write(List.of(
                // Before the window: counts only for the last login, and is not the latest one.
                event(user, "login", Severity.INFO, "198.51.100.1", "UA-old", "2024-05-01T08:00:00Z"),
                event(user, "login_failed", Severity.WARNING, "198.51.100.2", "UA-early", "2024-05-10T10:29:59.999999Z"),
                // In the window.
                event(user, "login_failed", Severity.WARNING, "198.51.100.3", "UA-A", "2024-05-10T10:30:00Z"),
                event(user, "login", Severity.INFO, "198.51.100.3", "UA-A", "2024-05-10T10:31:00Z"),
                event(user, "invoice_paid", Severity.INFO, "198.51.100.3", "UA-A", "2024-05-10T23:59:59.999999Z"),
                event(user, "http_request", Severity.ERROR, "2001:db8::1", "UA-B", "2024-05-12T00:00:00Z"),
                event(user, "http_request", Severity.ERROR, "2001:DB8:0:0:0:0:0:1", "UA-B", "2024-05-12T06:00:00Z"),
                event(user, "login_failed", Severity.WARNING, null, null, "2024-05-12T07:00:00Z"),
                event(user, "login", Severity.INFO, "198.51.100.4", "UA-C", "2024-05-14T11:59:59.999999Z"),
                // At the end of the window: outside.
                event(user, "invoice_paid", Severity.CRITICAL, "198.51.100.5", "UA-late", "2024-05-14T12:00:00Z")));

        ActivityStats stats = store().stats(user, from, to);

        assertThat(stats.userId()).isEqualTo(user);
        assertThat(stats.from()).isEqualTo(from);
        assertThat(stats.to()).isEqualTo(to);
        assertThat(stats.total()).isEqualTo(7);
        assertThat(stats.byAction()).containsOnly(
                Map.entry("login_failed", 2L), Map.entry("login", 2L),
                Map.entry("invoice_paid", 1L), Map.entry("http_request", 2L));
        assertThat(stats.bySeverity()).containsOnly(
                Map.entry(Severity.INFO, 3L), Map.entry(Severity.WARNING, 2L),
                Map.entry(Severity.ERROR, 2L), Map.entry(Severity.CRITICAL, 0L));
        assertThat(stats.perDay()).containsExactly(
                Map.entry(LocalDate.parse("2024-05-10"), 3L),
                Map.entry(LocalDate.parse("2024-05-11"), 0L),
                Map.entry(LocalDate.parse("2024-05-12"), 3L),
                Map.entry(LocalDate.parse("2024-05-13"), 0L),
                Map.entry(LocalDate.parse("2024-05-14"), 1L));
        assertThat(stats.lastLoginAt()).isEqualTo(Instant.parse("2024-05-14T11:59:59.999999Z"));
        assertThat(stats.failedLogins()).isEqualTo(2);
        assertThat(stats.distinctIps()).isEqualTo(3);
        assertThat(stats.distinctDevices()).isEqualTo(3);
    }

    @Test
    void shouldCountPerDayOnlyTheDaysThatStartBeforeTheEndOfTheWindow() {
        String user = newUserId();
        write(List.of(
                event(user, "a", Severity.INFO, null, null, "2024-06-10T23:59:59.999999Z"),
                event(user, "a", Severity.INFO, null, null, "2024-06-11T00:00:00Z"),
                event(user, "a", Severity.INFO, null, null, "2024-06-12T13:00:00Z"),
                event(user, "a", Severity.INFO, null, null, "2024-06-12T14:00:00Z"),
                event(user, "a", Severity.INFO, null, null, "2024-06-13T00:00:00Z")));

        ActivityStats stats = store().stats(user, Instant.parse("2024-06-11T00:00:00Z"), Instant.parse("2024-06-13T00:00:00Z"));

        assertThat(stats.total()).isEqualTo(3);
        assertThat(stats.perDay()).containsExactly(
                Map.entry(LocalDate.parse("2024-06-11"), 1L),
                Map.entry(LocalDate.parse("2024-06-12"), 2L));
    }

    @Test
    void shouldReportTheLastLoginEvenWhenItIsOlderThanTheWindow() {
        String user = newUserId();
        String neverLoggedIn = newUserId();
        write(List.of(
                event(user, "login", Severity.INFO, null, null, "2024-01-02T03:04:05.678901Z"),
                event(user, "login", Severity.INFO, null, null, "2024-01-01T03:04:05Z"),
                event(user, "logout", Severity.INFO, null, null, "2024-03-01T00:00:00Z"),
                event(neverLoggedIn, "login_failed", Severity.WARNING, null, null, "2024-03-01T00:00:00Z")));
        Instant from = Instant.parse("2024-02-25T00:00:00Z");
        Instant to = Instant.parse("2024-03-05T00:00:00Z");

        ActivityStats stats = store().stats(user, from, to);
        ActivityStats none = store().stats(neverLoggedIn, from, to);

        assertThat(stats.total()).isEqualTo(1);
        assertThat(stats.lastLoginAt()).isEqualTo(Instant.parse("2024-01-02T03:04:05.678901Z"));
        assertThat(stats.lastLogin()).contains(Instant.parse("2024-01-02T03:04:05.678901Z"));
        assertThat(none.lastLoginAt()).isNull();
        assertThat(none.failedLogins()).isEqualTo(1);
    }

    @Test
    void shouldGiveZeroStatsForAUserWithoutActivities() {
        String user = newUserId();
        Instant from = Instant.parse("2024-02-27T12:00:00Z");
        Instant to = Instant.parse("2024-03-01T12:00:00Z");

        ActivityStats stats = store().stats(user, from, to);

        assertThat(stats.total()).isZero();
        assertThat(stats.byAction()).isEmpty();
        assertThat(stats.bySeverity()).containsOnly(Map.entry(Severity.INFO, 0L), Map.entry(Severity.WARNING, 0L),
                Map.entry(Severity.ERROR, 0L), Map.entry(Severity.CRITICAL, 0L));
        assertThat(stats.perDay()).containsExactly(
                Map.entry(LocalDate.parse("2024-02-27"), 0L),
                Map.entry(LocalDate.parse("2024-02-28"), 0L),
                Map.entry(LocalDate.parse("2024-02-29"), 0L),
                Map.entry(LocalDate.parse("2024-03-01"), 0L));
        assertThat(stats.lastLoginAt()).isNull();
        assertThat(stats.failedLogins()).isZero();
        assertThat(stats.distinctIps()).isZero();
        assertThat(stats.distinctDevices()).isZero();
    }

    // ---------------------------------------------------------------- export

    @Test
    void shouldExportEveryActivityOldestFirst() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 137; i++) {
            Instant at = i % 4 == 3 ? all.get(i - 1).createdAt()
                    : Instant.parse("2025-01-01T00:00:00Z").plus(i * 37L, ChronoUnit.HOURS).plusNanos(i * 1_000L);
            all.add(Activity.builder(user, "e").description("n" + i).createdAt(at).build());
        }
        List<Activity> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(3));
        write(shuffled);
        write(List.of(Activity.builder(newUserId(), "e").createdAt(Instant.parse("2025-03-01T00:00:00Z")).build()));
        List<Activity> sink = new ArrayList<>();

        long count = store().export(user, sink::add);

        assertThat(count).isEqualTo(137);
        assertThat(sink).extracting(Activity::id)
                .containsExactlyElementsOf(reversed(ids(all.stream().sorted(NEWEST_FIRST).toList())));
        assertThat(sink).extracting(Activity::userId).containsOnly(user);
    }

    @Test
    void shouldExportNothingForAUserWithoutActivities() {
        List<Activity> sink = new ArrayList<>();

        assertThat(store().export(newUserId(), sink::add)).isZero();
        assertThat(sink).isEmpty();
    }

    @Test
    void shouldEndTheExportWhenTheSinkThrows() {
        String user = newUserId();
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(Activity.builder(user, "e").createdAt(T0.plusSeconds(i)).build());
        }
        write(all);
        IllegalStateException stop = new IllegalStateException("client went away");
        AtomicInteger calls = new AtomicInteger();
        Consumer<Activity> sink = a -> {
            if (calls.incrementAndGet() == 3) {
                throw stop;
            }
        };

        Throwable thrown = catchThrowable(() -> store().export(user, sink));

        assertThat(thrown).as("what export threw").isNotNull();
        assertThat(causes(thrown)).as("the sink's exception or its wrappers").contains(stop);
        assertThat(calls).hasValue(3);
    }

    // ---------------------------------------------------------------- erasure and retention

    @Test
    void shouldEraseEveryActivityOfOneUserAndNoOther() {
        String user = newUserId();
        String other = newUserId();
        String longer = user + "0";
        List<Activity> mine = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            mine.add(Activity.builder(user, "e").ipAddress("198.51.100.1")
                    .createdAt(Instant.parse("2024-09-15T00:00:00Z").plus(i * 20L, ChronoUnit.DAYS)).build());
        }
        write(mine);
        write(List.of(
                Activity.builder(other, "e").createdAt(T0).build(),
                Activity.builder(other, "e").createdAt(T0.plusSeconds(1)).build(),
                Activity.builder(longer, "e").createdAt(T0).build()));

        long erased = store().eraseUser(user);

        assertThat(erased).isEqualTo(12);
        assertThat(timeline(user)).isEmpty();
        assertThat(export(user)).isEmpty();
        assertThat(store().stats(user, Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z")).total())
                .isZero();
        assertThat(timeline(other)).hasSize(2);
        assertThat(timeline(longer)).hasSize(1);
        assertThat(store().eraseUser(user)).isZero();
    }

    @Test
    void shouldNotStoreAgainAnActivityCreatedBeforeItsUserWasErased() {
        String user = newUserId();
        Activity activity = Activity.builder(user, "e").createdAt(T0).build();
        write(List.of(activity));
        assertThat(store().eraseUser(user)).isEqualTo(1);

        WriteResult replayed = store().write(List.of(activity, Activity.builder(user, "older").createdAt(T0.plusSeconds(1)).build()));

        assertThat(replayed.inserted()).isZero();
        assertThat(replayed.rejected()).isEmpty();
        assertThat(timeline(user)).isEmpty();
    }

    @Test
    void shouldStoreActivitiesCreatedAfterTheirUserWasErased() {
        String user = newUserId();
        write(List.of(Activity.builder(user, "before").createdAt(T0).build()));
        assertThat(store().eraseUser(user)).isEqualTo(1);
        // A second later than now, so that a store on another clock (the database's) sees it after the erasure too.
        Activity after = Activity.builder(user, "after").createdAt(Instant.now().plusSeconds(1)).build();

        assertThat(store().write(List.of(after)).inserted()).isEqualTo(1);
        assertThat(timeline(user)).extracting(Activity::id).containsExactly(after.id());
    }

    @Test
    void shouldDeleteOnlyActivitiesOlderThanTheRetentionCutoff() {
        String oldUser = newUserId();
        String oldOnly = newUserId();
        String recent = newUserId();
        Instant cutoff = Instant.parse("2001-07-15T12:00:00Z");
        write(List.of(
                at(oldUser, "2001-01-10T00:00:00Z"),
                at(oldUser, "2001-03-05T08:00:00Z"),
                at(oldUser, "2001-07-15T11:59:59.999999Z"),
                at(oldUser, "2001-07-15T12:00:00Z"),
                at(oldUser, "2001-09-01T00:00:00Z"),
                at(oldUser, "2002-02-01T00:00:00Z"),
                at(oldOnly, "2001-02-02T00:00:00Z"),
                at(oldOnly, "2001-06-30T23:59:59Z"),
                at(recent, "2002-06-01T00:00:00Z"),
                Activity.builder(recent, "r").build()));

        RetentionResult result = store().applyRetention(cutoff);

        assertThat(result.cutoff()).isEqualTo(cutoff);
        assertThat(result.deletedRows()).as("rows deleted, this test's 5 and maybe others'").isGreaterThanOrEqualTo(5);
        assertThat(timeline(oldUser)).extracting(Activity::createdAt).containsExactly(
                Instant.parse("2002-02-01T00:00:00Z"),
                Instant.parse("2001-09-01T00:00:00Z"),
                Instant.parse("2001-07-15T12:00:00Z"));
        assertThat(timeline(oldOnly)).isEmpty();
        assertThat(timeline(recent)).hasSize(2);
        assertThat(export(oldUser)).hasSize(3);

        store().applyRetention(cutoff);
        assertThat(timeline(oldUser)).hasSize(3);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldStoreEveryActivityWrittenConcurrently() throws Exception {
        String user = newUserId();
        int writers = 4;
        int batches = 20;
        int batchSize = 25;
        List<List<List<Activity>>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<List<Activity>> mine = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                List<Activity> batch = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    batch.add(Activity.builder(user, "w" + w).description(w + "/" + b + "/" + i)
                            .createdAt(T0.plusMillis(ThreadLocalRandom.current().nextInt(1_000_000))).build());
                }
                mine.add(batch);
            }
            work.add(mine);
        }
        // Each writer's batches are written by two threads at once, as a retry racing the original.
        ExecutorService pool = Executors.newFixedThreadPool(writers * 2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < writers * 2; t++) {
                List<List<Activity>> mine = work.get(t % writers);
                results.add(pool.submit(() -> {
                    start.await();
                    int inserted = 0;
                    for (List<Activity> batch : mine) {
                        inserted += store().write(batch).inserted();
                    }
                    return inserted;
                }));
            }
            start.countDown();
            int inserted = 0;
            for (Future<Integer> result : results) {
                inserted += result.get(2, TimeUnit.MINUTES);
            }

            int expected = writers * batches * batchSize;
            assertThat(inserted).isEqualTo(expected);
            List<Activity> stored = export(user);
            assertThat(stored).hasSize(expected).extracting(Activity::id).doesNotHaveDuplicates();
            Set<UUID> written = new HashSet<>();
            work.forEach(w -> w.forEach(b -> written.addAll(ids(b))));
            assertThat(stored).extracting(Activity::id).containsExactlyInAnyOrderElementsOf(written);
            assertThat(store().query(ActivityQuery.forUser(user).page(1).build()).pagination().orElseThrow().total())
                    .isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void write(List<Activity> batch) {
        WriteResult result = store().write(batch);
        assertThat(result.rejected()).as("rejected activities").isEmpty();
        assertThat(result.inserted()).as("inserted rows").isEqualTo(new HashSet<>(ids(batch)).size());
    }

    private ActivityPage query(ActivityQuery query) {
        return store().query(query);
    }

    /** Every activity of the user, newest first, read page by page. */
    private List<Activity> timeline(String userId) {
        return allPages(ActivityQuery.forUser(userId).limit(ActivityQuery.MAX_LIMIT));
    }

    private List<Activity> allPages(ActivityQuery.Builder query) {
        List<Activity> all = new ArrayList<>();
        ActivityPage page = store().query(query.after((String) null).build());
        all.addAll(page.activities());
        int pages = 1;
        while (page.nextCursor().isPresent()) {
            assertThat(page.activities()).as("a page with a next cursor").isNotEmpty();
            page = store().query(query.after(page.nextCursor().get()).build());
            all.addAll(page.activities());
            assertThat(++pages).as("pages read").isLessThan(10_000);
        }
        return all;
    }

    private List<Activity> export(String userId) {
        List<Activity> all = new ArrayList<>();
        long count = store().export(userId, all::add);
        assertThat(count).as("count returned by export").isEqualTo(all.size());
        return all;
    }

    private List<UUID> textQuery(String userId, String text) {
        return ids(store().query(ActivityQuery.forUser(userId).text(text).limit(100).build()).activities());
    }

    private static Activity described(String userId, String description, int second) {
        return Activity.builder(userId, "d").description(description).createdAt(T0.plusSeconds(second)).build();
    }

    private static Activity event(String userId, String action, Severity severity, @Nullable String ip,
            @Nullable String userAgent, String createdAt) {
        return Activity.builder(userId, action).severity(severity).ipAddress(ip).userAgent(userAgent)
                .createdAt(Instant.parse(createdAt)).build();
    }

    private static Activity at(String userId, String createdAt) {
        return Activity.builder(userId, "r").createdAt(Instant.parse(createdAt)).build();
    }

    private static List<UUID> ids(List<Activity> activities) {
        return activities.stream().map(Activity::id).toList();
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    /** A random UUIDv7-shaped id whose first byte is {@code firstByte}. */
    private static UUID idStartingWith(int firstByte) {
        UUID random = UUID.randomUUID();
        long msb = (random.getMostSignificantBits() & 0x00FF_FFFF_FFFF_0FFFL) | ((long) firstByte << 56) | 0x7000L;
        return new UUID(msb, random.getLeastSignificantBits());
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError("not an IP literal: " + literal, e);
        }
    }

    private static void assertSameActivity(Activity actual, Activity expected) {
        assertThat(actual.id()).as("id").isEqualTo(expected.id());
        assertThat(actual.userId()).as("userId").isEqualTo(expected.userId());
        assertThat(actual.action()).as("action").isEqualTo(expected.action());
        assertThat(actual.description()).as("description").isEqualTo(expected.description());
        assertThat(actual.severity()).as("severity").isEqualTo(expected.severity());
        assertThat(actual.ipAddress()).as("ipAddress").isEqualTo(expected.ipAddress());
        assertThat(actual.userAgent()).as("userAgent").isEqualTo(expected.userAgent());
        assertThat(actual.sessionId()).as("sessionId").isEqualTo(expected.sessionId());
        assertThat(actual.requestId()).as("requestId").isEqualTo(expected.requestId());
        assertThat(asJson(actual.deviceInfo())).as("deviceInfo").isEqualTo(asJson(expected.deviceInfo()));
        assertThat(asJson(actual.locationInfo())).as("locationInfo").isEqualTo(asJson(expected.locationInfo()));
        assertThat(asJson(actual.metadata())).as("metadata").isEqualTo(asJson(expected.metadata()));
        assertThat(actual.createdAt()).as("createdAt").isEqualTo(expected.createdAt());
    }

    /** The map as a JSON reader sees it: number types and key order no longer matter, values do. */
    private static Object asJson(Map<String, Object> map) {
        try {
            return JSON.readValue(JSON.writeValueAsString(map), Object.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON-like: " + map, e);
        }
    }
}
