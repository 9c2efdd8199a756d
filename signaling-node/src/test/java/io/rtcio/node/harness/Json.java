package io.rtcio.node.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONTokener;

/**
 * Normalises payloads to plain Java types ({@code LinkedHashMap}, {@code ArrayList}, {@code String},
 * {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean}, {@code null}).
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON-serialisable: " + value, e);
        }
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Any JSON-like Java value as a tree; {@code null} gives a JSON null. */
    static JsonNode tree(Object value) {
        return value == null ? MAPPER.nullNode() : MAPPER.valueToTree(value);
    }

    static JsonNode parse(String json) throws JsonProcessingException {
        return MAPPER.readTree(json);
    }

    /** A tree from the driver as plain Java types; a missing node gives {@code null}. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return MAPPER.convertValue(node, Object.class);
    }

    /** A JSON array from the driver as a list of plain Java values. */
    static List<Object> plainList(JsonNode node) {
        List<Object> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(element -> out.add(plain(element)));
        }
        return out;
    }

    // ---- the Java client's org.json values ----

    /** An org.json value (as handed out by the Java client) as a plain Java value. */
    static Object fromOrgJson(Object value) {
        if (value == null || JSONObject.NULL.equals(value)) {
            return null;
        }
        if (value instanceof JSONObject || value instanceof JSONArray) {
            try {
                return MAPPER.readValue(value.toString(), Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot read the Java client's JSON: " + value, e);
            }
        }
        // String, Boolean, Integer, Long, Double as parsed by org.json
        return value;
    }

    static List<Object> fromOrgJson(Object[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(fromOrgJson(v));
        }
        return out;
    }

    /** A plain Java value as the org.json value the Java client serialises (JSONObject.NULL for null). */
    static Object toOrgJson(Object value) {
        String json = write(value);
        try {
            return new JSONTokener(json).nextValue();
        } catch (JSONException e) {
            throw new IllegalArgumentException("org.json cannot read " + json, e);
        }
    }

    static Object[] toOrgJson(Object[] values) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = toOrgJson(values[i]);
        }
        return out;
    }
}
