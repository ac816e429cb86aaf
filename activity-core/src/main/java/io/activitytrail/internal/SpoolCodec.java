package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.activitytrail.Activity;
import io.activitytrail.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An activity as one spool record payload: a flags byte, then the activity as JSON in the shape of
 * {@link ActivityJson} (UTF-8). Reads it back with the same id and {@code createdAt}, and numbers by
 * the same rules as every store ({@link ActivityJson#readMap}), so a replay writes the very same row.
 */
final class SpoolCodec {
    /** Set when the activity went through {@link Enricher#describe}; the session id is always protected. */
    static final int FLAG_DESCRIBED = 1;

    private SpoolCodec() {}

    record Decoded(Activity activity, boolean described) {}

    static byte[] encode(Activity activity, boolean described) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.write(described ? FLAG_DESCRIBED : 0);
        try (JsonGenerator json = ActivityJson.generator(out)) {
            ActivityJson.write(json, activity);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an activity for the spool", e);
        }
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the payload is not a spooled activity (which the CRC
     *     should have caught)
     */
    static Decoded decode(byte[] payload) {
        if (payload.length < 2) {
            throw new IllegalArgumentException("spool record too short: " + payload.length + " bytes");
        }
        try {
            JsonNode node = ActivityJson.readTree(payload, 1, payload.length - 1);
            // As stored: the rules held when it was logged, and a replay must not lose it to a stricter one.
            Activity activity = Activity.storedBuilder(text(node, "user_id"), text(node, "action"))
                    .id(UUID.fromString(text(node, "id")))
                    .createdAt(Instant.parse(text(node, "created_at")))
                    .description(optionalText(node, "description"))
                    .severity(Severity.fromValue(text(node, "severity")))
                    .ipAddress(optionalText(node, "ip_address"))
                    .userAgent(optionalText(node, "user_agent"))
                    .sessionId(optionalText(node, "session_id"))
                    .requestId(optionalText(node, "request_id"))
                    .deviceInfo(map(node, "device_info"))
                    .locationInfo(map(node, "location_info"))
                    .metadata(map(node, "metadata"))
                    .build();
            return new Decoded(activity, (payload[0] & FLAG_DESCRIBED) != 0);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a spooled activity: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value.asText();
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Map<String, Object> map(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        return ActivityJson.readMap(value);
    }
}
