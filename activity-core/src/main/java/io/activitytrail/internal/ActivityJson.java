package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.activitytrail.Activity;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON shape of an activity (snake_case, as the columns are named), for export and the API. */
public final class ActivityJson {
    /**
     * Shared, thread-safe; plain settings so output is the same everywhere, except that characters
     * outside the BMP are written as 4 UTF-8 bytes (as PostgreSQL stores them and as
     * {@link JsonValues} measures them) rather than as two escaped surrogates of 6 bytes each.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private ActivityJson() {}

    public static void write(JsonGenerator json, Activity a) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", a.id().toString());
        json.writeStringField("user_id", a.userId());
        json.writeStringField("action", a.action());
        writeNullable(json, "description", a.description());
        json.writeStringField("severity", a.severity().value());
        writeNullable(json, "ip_address", a.ipAddress());
        writeNullable(json, "user_agent", a.userAgent());
        writeNullable(json, "session_id", a.sessionId());
        writeNullable(json, "request_id", a.requestId());
        writeMap(json, "device_info", a.deviceInfo());
        writeMap(json, "location_info", a.locationInfo());
        writeMap(json, "metadata", a.metadata());
        json.writeStringField("created_at", a.createdAt().toString());
        json.writeEndObject();
    }

    private static void writeNullable(JsonGenerator json, String name, @Nullable String value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeStringField(name, value);
        }
    }

    private static void writeMap(JsonGenerator json, String name, Map<String, Object> map) throws IOException {
        json.writeFieldName(name);
        MAPPER.writeValue(json, map);
    }

    /** Serialises a JSON-like map (as held by an activity) to a JSON string. */
    public static String toJson(Map<String, Object> map) {
        try {
            return MAPPER.writeValueAsString(map);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON-like map", e);
        }
    }
}
