package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The served openapi.json as tests read it: its schemas, the schema it documents for an answer, and
 * a strict check of a real answer against one (no field the schema lacks, every required one there,
 * JSON types, int32/int64 ranges, enums, null only where {@code nullable}).
 */
final class OpenApiDoc {
    private static final String REF = "#/components/schemas/";
    private final JsonNode root;

    private OpenApiDoc(JsonNode root) {
        this.root = root;
    }

    /** The document the control plane serves (its class-path resource). */
    static OpenApiDoc load() {
        return new OpenApiDoc(Json.read(Api.resource(MetaApi.OPENAPI), JsonNode.class));
    }

    JsonNode schemas() {
        return root.path("components").path("schemas");
    }

    JsonNode schema(String name) {
        JsonNode s = schemas().get(name);
        assertThat(s).as("schema " + name + " in openapi.json").isNotNull();
        return s;
    }

    JsonNode paths() {
        return root.path("paths");
    }

    /** The schema name a {@code $ref} points at, or null if {@code s} is no reference. */
    static String refName(JsonNode s) {
        String ref = s.path("$ref").asText(null);
        return ref != null && ref.startsWith(REF) ? ref.substring(REF.length()) : null;
    }

    JsonNode resolve(JsonNode s) {
        String name = refName(s);
        return name == null ? s : schema(name);
    }

    /** The JSON schema documented for this answer: the status's own, else {@code default} (errors). */
    JsonNode responseSchema(String method, String template, int status) {
        JsonNode op = paths().path(template).path(method.toLowerCase());
        assertThat(op.isObject())
                .as(method + " " + template + " in openapi.json")
                .isTrue();
        JsonNode r = op.path("responses").has(String.valueOf(status))
                ? op.path("responses").path(String.valueOf(status))
                : op.path("responses").path("default");
        JsonNode s = r.path("content").path("application/json").path("schema");
        assertThat(s.isObject())
                .as("a JSON schema for " + status + " of " + method + " " + template)
                .isTrue();
        return s;
    }

    /** Asserts that a real answer of the route conforms to what openapi.json documents for it. */
    void assertAnswer(String method, String template, Http.Answer a) {
        assertConforms(
                responseSchema(method, template, a.status()), a.json(), method + " " + template + " " + a.status());
    }

    void assertConforms(JsonNode schema, JsonNode value, String what) {
        List<String> problems = new ArrayList<>();
        check(schema, value, "$", problems);
        assertThat(problems).as(what + " against openapi.json, answer " + value).isEmpty();
    }

    private void check(JsonNode schema, JsonNode v, String at, List<String> out) {
        JsonNode s = resolve(schema);
        if (v.isNull()) {
            if (!s.path("nullable").asBoolean()) {
                out.add(at + ": null where the schema does not say nullable");
            }
            return;
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "object" -> object(s, v, at, out);
            case "array" -> {
                if (!v.isArray()) {
                    out.add(at + ": not an array");
                    return;
                }
                for (int i = 0; i < v.size(); i++) {
                    check(s.path("items"), v.get(i), at + "[" + i + "]", out);
                }
            }
            case "string" -> {
                if (!v.isTextual()) {
                    out.add(at + ": not a string");
                } else if (s.has("enum") && !enumHas(s.get("enum"), v.asText())) {
                    out.add(at + ": '" + v.asText() + "' is not one of " + s.get("enum"));
                }
            }
            case "integer" -> {
                boolean fits = "int64".equals(s.path("format").asText()) ? v.canConvertToLong() : v.canConvertToInt();
                if (!v.isIntegralNumber() || !fits) {
                    out.add(at + ": not an integer of format "
                            + s.path("format").asText("int32"));
                }
            }
            case "number" -> {
                if (!v.isNumber()) {
                    out.add(at + ": not a number");
                }
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    out.add(at + ": not a boolean");
                }
            }
            default -> out.add(at + ": the schema has no type");
        }
    }

    private void object(JsonNode s, JsonNode v, String at, List<String> out) {
        if (!v.isObject()) {
            out.add(at + ": not an object");
            return;
        }
        JsonNode more = s.get("additionalProperties");
        if (more != null && more.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                check(more, e.getValue(), at + "." + e.getKey(), out);
            }
            return;
        }
        for (JsonNode r : s.path("required")) {
            if (!v.has(r.asText())) {
                out.add(at + ": required field " + r.asText() + " is missing");
            }
        }
        JsonNode props = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode p = props.get(e.getKey());
            if (p == null) {
                out.add(at + "." + e.getKey() + ": not in the schema");
            } else if (p.path("writeOnly").asBoolean()) {
                out.add(at + "." + e.getKey() + ": write-only, yet in an answer");
            } else {
                check(p, e.getValue(), at + "." + e.getKey(), out);
            }
        }
    }

    private static boolean enumHas(JsonNode values, String v) {
        for (JsonNode e : values) {
            if (e.isTextual() && e.asText().equals(v)) {
                return true;
            }
        }
        return false;
    }
}
