package io.activitytrail;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in a user's timeline (newest first): the page after it starts with the activities
 * older than {@code (createdAt, id)}. Clients see it only as the opaque string of
 * {@link #encode()}; stores use the decoded value for keyset pagination.
 */
public record ActivityCursor(Instant createdAt, UUID id) {

    public ActivityCursor {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(id, "id");
    }

    /** The cursor after {@code activity}. */
    public static ActivityCursor after(Activity activity) {
        return new ActivityCursor(activity.createdAt(), activity.id());
    }

    /** An opaque, URL-safe string. */
    public String encode() {
        long micros = Math.addExact(Math.multiplyExact(createdAt.getEpochSecond(), 1_000_000L), createdAt.getNano() / 1_000);
        String plain = "v1:" + micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Decodes a string made by {@link #encode()}.
     *
     * @throws IllegalArgumentException when {@code cursor} was not made by {@link #encode()}
     */
    public static ActivityCursor decode(String cursor) {
        requireNonNull(cursor, "cursor");
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = plain.split(":", -1);
            if (parts.length != 3 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException("bad shape");
            }
            long micros = Long.parseLong(parts[1]);
            Instant createdAt = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            return new ActivityCursor(createdAt, UUID.fromString(parts[2]));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("cursor is not valid: " + io.activitytrail.internal.Text.quoteForMessage(cursor), e);
        }
    }
}
