package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityPageTest {

    private static List<Activity> activities(int n) {
        List<Activity> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(Activity.builder("u", "a").createdAt(Instant.parse("2025-01-01T00:00:00Z").minusSeconds(i)).build());
        }
        return list;
    }

    @Test
    void shouldGiveNoCursorWhenNoMoreRowsWereRead() {
        ActivityPage page = ActivityPage.ofKeyset(activities(5), 5);

        assertThat(page.activities()).hasSize(5);
        assertThat(page.nextCursor()).isEmpty();
        assertThat(page.pagination()).isEmpty();
    }

    @Test
    void shouldDropTheExtraRowAndPointTheCursorAfterTheLastOneKept() {
        List<Activity> read = activities(6);

        ActivityPage page = ActivityPage.ofKeyset(read, 5);

        assertThat(page.activities()).containsExactlyElementsOf(read.subList(0, 5));
        assertThat(page.nextCursor()).hasValueSatisfying(c ->
                assertThat(ActivityCursor.decode(c)).isEqualTo(ActivityCursor.after(read.get(4))));
    }

    @Test
    void shouldCountPagesOfANumberedPage() {
        ActivityPage page = ActivityPage.ofNumbered(activities(10), 1, 10, 23);

        assertThat(page.pagination()).contains(new ActivityPage.Pagination(1, 10, 23));
        assertThat(page.pagination().orElseThrow().totalPages()).isEqualTo(3);
        assertThat(page.nextCursor()).isPresent();
        assertThat(ActivityPage.ofNumbered(activities(3), 3, 10, 23).nextCursor()).isEmpty();
        assertThat(new ActivityPage.Pagination(1, 10, 0).totalPages()).isZero();
        assertThat(new ActivityPage.Pagination(1, 10, 20).totalPages()).isEqualTo(2);
        assertThat(new ActivityPage.Pagination(1, 10, 21).totalPages()).isEqualTo(3);
    }

    @Test
    void shouldHoldAnUnmodifiableCopy() {
        List<Activity> read = new ArrayList<>(activities(2));
        ActivityPage page = ActivityPage.ofKeyset(read, 5);

        read.clear();

        assertThat(page.activities()).hasSize(2);
        assertThat(page.activities()).isUnmodifiable();
    }
}
