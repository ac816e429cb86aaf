package io.activitytrail.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.InvalidActivityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a tracked call too large for an activity is still logged (the call itself is in {@code SpringBootEndToEndIT}). */
class TrackActivityInterceptorTest {

    @Test
    void shouldCutALongDescriptionToTheLimitWithAnEllipsisNeverInsideASurrogatePair() {
        assertThat(TrackActivityInterceptor.fitted("short")).isEqualTo("short");
        String exact = "x".repeat(Activity.MAX_DESCRIPTION_LENGTH);
        assertThat(TrackActivityInterceptor.fitted(exact)).isSameAs(exact);

        String cut = TrackActivityInterceptor.fitted("x".repeat(Activity.MAX_DESCRIPTION_LENGTH + 1));
        assertThat(cut).hasSize(Activity.MAX_DESCRIPTION_LENGTH).endsWith("\u2026");

        // An emoji (two chars) straddling the cut is dropped whole, not halved.
        String emojiAtTheCut = "x".repeat(Activity.MAX_DESCRIPTION_LENGTH - 2) + "\uD83D\uDE00" + "tail";
        String fitted = TrackActivityInterceptor.fitted(emojiAtTheCut);
        assertThat(fitted).hasSizeLessThanOrEqualTo(Activity.MAX_DESCRIPTION_LENGTH).endsWith("x\u2026");
        assertThat(Activity.builder("u", "a").description(fitted).build().description()).isEqualTo(fitted);
    }

    @Test
    void shouldStandASmallMarkerInForMetadataTheActivityRefuses() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("note", "n".repeat(20_000));
        metadata.put("invoice", 32);
        InvalidActivityException why = new InvalidActivityException("metadata", "must be at most 16384 bytes as JSON");

        Map<String, Object> marker = TrackActivityInterceptor.omitted(metadata, why, new IllegalStateException());
        assertThat(marker).containsEntry("keys", List.of("note", "invoice"))
                .containsEntry("exception", "java.lang.IllegalStateException").containsKey("metadata_omitted");
        assertThat(Activity.builder("u", "a").metadata(marker).build().metadata()).isEqualTo(marker);
        assertThat(TrackActivityInterceptor.omitted(metadata, why, null)).doesNotContainKey("exception");
    }
}
