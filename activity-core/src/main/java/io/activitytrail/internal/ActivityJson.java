package io.activitytrail.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.activitytrail.Activity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON shape of an activity (snake_case, as the columns are named), for export, the spool and
 * the rejected-row files, and the one mapper that writes and reads the JSON-like maps everywhere
 * (stores included, through {@link io.activitytrail.JsonMaps}), so that numbers come back the same
 * way from a table, a spool record or a file. The mapper is private: nobody can reconfigure it and
 * so change the spool format.
 */
public final class ActivityJson {
    /**
     * Plain settings so output is the same everywhere, except that characters outside the BMP are
     * written as 4 UTF-8 bytes (as PostgreSQL stores them and as {@link JsonValues} measures them)
     * rather than as two escaped surrogates of 6 bytes each; and reads take numbers of any length
     * up to a bound well past {@link JsonValues#MAX_NUMBER_LENGTH} (PostgreSQL prints {@code 1e300}
     * in full).
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(4 * JsonValues.MAX_NUMBER_LENGTH).build())
                    .build())
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    /** Decimals as BigDecimal first, so that 1e400 stays 1e400 (not Infinity); see {@link #normalise}. */
    private static final ObjectReader READER = MAPPER.readerFor(MAP).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final ObjectReader TREE_READER = MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private ActivityJson() {}

    static JsonGenerator generator(OutputStream out) throws IOException {
        return MAPPER.getFactory().createGenerator(out);
    }

    static JsonGenerator generator(Writer out) throws IOException {
        return MAPPER.getFactory().createGenerator(out);
    }

    static JsonNode readTree(String json) throws IOException {
        return TREE_READER.readTree(json);
    }

    static JsonNode readTree(byte[] json, int offset, int length) throws IOException {
        return TREE_READER.readTree(json, offset, length);
    }

    public static void write(JsonGenerator json, Activity a) throws IOException {
        write(json, a, ALL_FIELDS);
    }

    private static final Set<String> ALL_FIELDS = Set.copyOf(Activity.FIELD_NAMES);

    /** Writes the fields of {@code a} named in {@code fields} (names of {@link Activity#FIELD_NAMES}), in their usual order. */
    public static void write(JsonGenerator json, Activity a, Set<String> fields) throws IOException {
        json.writeStartObject();
        if (fields.contains("id")) {
            json.writeStringField("id", a.id().toString());
        }
        if (fields.contains("user_id")) {
            json.writeStringField("user_id", a.userId());
        }
        if (fields.contains("action")) {
            json.writeStringField("action", a.action());
        }
        if (fields.contains("description")) {
            writeNullable(json, "description", a.description());
        }
        if (fields.contains("severity")) {
            json.writeStringField("severity", a.severity().value());
        }
        if (fields.contains("ip_address")) {
            writeNullable(json, "ip_address", a.ipAddress());
        }
        if (fields.contains("user_agent")) {
            writeNullable(json, "user_agent", a.userAgent());
        }
        if (fields.contains("session_id")) {
            writeNullable(json, "session_id", a.sessionId());
        }
        if (fields.contains("request_id")) {
            writeNullable(json, "request_id", a.requestId());
        }
        if (fields.contains("device_info")) {
            writeMap(json, "device_info", a.deviceInfo());
        }
        if (fields.contains("location_info")) {
            writeMap(json, "location_info", a.locationInfo());
        }
        if (fields.contains("metadata")) {
            writeMap(json, "metadata", a.metadata());
        }
        if (fields.contains("created_at")) {
            json.writeStringField("created_at", a.createdAt().toString());
        }
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
    public static String toJson(Map<String, ?> map) {
        try {
            return MAPPER.writeValueAsString(map);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON-like map", e);
        }
    }

    /**
     * Reads a JSON object into an unmodifiable map of JSON values.
     *
     * @throws IllegalArgumentException when it is not a JSON object
     */
    public static Map<String, Object> readMap(String json) {
        try {
            return normaliseMap(READER.readValue(json));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> readMap(JsonNode node) throws IOException {
        return normaliseMap(READER.readValue(node));
    }

    private static Map<String, Object> normaliseMap(@Nullable Map<String, Object> map) {
        if (map == null) {
            throw new IllegalArgumentException("not a JSON object: null");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> normalised = (Map<String, Object>) normalise(map);
        return JsonValues.copyStored(normalised);
    }

    /**
     * A decimal that a double holds exactly (as written: {@code 1.5}) comes back as a Double, as it
     * was most likely logged; any other (1e400, 40 significant digits) stays a BigDecimal, exact.
     */
    private static @Nullable Object normalise(@Nullable Object value) {
        if (value instanceof BigDecimal d) {
            double asDouble = d.doubleValue();
            if (Double.isFinite(asDouble) && new BigDecimal(Double.toString(asDouble)).compareTo(d) == 0) {
                return asDouble;
            }
            return d;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            map.forEach((k, v) -> out.put(String.valueOf(k), normalise(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(normalise(v)));
            return out;
        }
        return value;
    }
}
