package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Strict reads of request JSON: wrong types and out-of-range values are 400s that name the field. */
final class Fields {
    private Fields() {}

    static JsonNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("a JSON object body is required");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw ApiException.badRequest("malformed JSON: " + Names.shorten(firstLine(e.getMessage())));
        }
        if (n == null || !n.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return n;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static void onlyKnown(JsonNode obj, String where, Set<String> known) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiException.badRequest("unknown field '" + Names.shorten(f) + "' in " + where);
            }
        }
    }

    static boolean has(JsonNode obj, String field) {
        return obj.has(field) && !obj.get(field).isNull();
    }

    static String string(JsonNode obj, String field, String where, String def) {
        if (!has(obj, field)) {
            return def;
        }
        JsonNode v = obj.get(field);
        if (!v.isTextual()) {
            throw ApiException.badRequest(where + field + " must be a string");
        }
        return v.asText();
    }

    static long integer(JsonNode obj, String field, String where, long def, long min, long max) {
        if (!has(obj, field)) {
            return def;
        }
        JsonNode v = obj.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest(where + field + " must be an integer");
        }
        long x = v.asLong();
        if (x < min || x > max) {
            throw ApiException.badRequest(where + field + " must be in [" + min + ", " + max + "], was " + x);
        }
        return x;
    }

    static double number(JsonNode obj, String field, String where, double def, double min, double max) {
        if (!has(obj, field)) {
            return def;
        }
        JsonNode v = obj.get(field);
        if (!v.isNumber()) {
            throw ApiException.badRequest(where + field + " must be a number");
        }
        double x = v.asDouble();
        if (!Double.isFinite(x) || x < min || x > max) {
            throw ApiException.badRequest(where + field + " must be in [" + min + ", " + max + "], was " + x);
        }
        return x;
    }

    static JsonNode child(JsonNode obj, String field) {
        if (!has(obj, field)) {
            return null;
        }
        JsonNode v = obj.get(field);
        if (!v.isObject()) {
            throw ApiException.badRequest(field + " must be a JSON object");
        }
        return v;
    }
}
