package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
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
 * {@link ActivityJson} (UTF-8). Reads it back with the same id and {@code createdAt}, so a replay
 * writes the very same row.
 */
final class SpoolCodec {
    /** Set when the activity went through {@link Enricher#describe}; the session id is always protected. */
    static final int FLAG_DESCRIBED = 1;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    /** Numbers come back as written (1e400 stays 1e400, not Infinity), so a replayed row is the same row. */
    private static final ObjectReader READER = ActivityJson.MAPPER.reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private SpoolCodec() {}

    record Decoded(Activity activity, boolean described) {}

    static byte[] encode(Activity activity, boolean described) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.write(described ? FLAG_DESCRIBED : 0);
        try (JsonGenerator json = ActivityJson.MAPPER.getFactory().createGenerator(out)) {
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
            JsonNode node = READER.readTree(new java.io.ByteArrayInputStream(payload, 1, payload.length - 1));
            Activity activity = Activity.builder(text(node, "user_id"), text(node, "action"))
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
        return READER.forType(MAP).readValue(value);
    }
}
