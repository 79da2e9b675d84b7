package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.functions.InvocationView;
import dev.wisp.functions.LogEntry;
import dev.wisp.sdk.ApiError;
import dev.wisp.sdk.DeployRequest;
import dev.wisp.sdk.ErrorBody;
import dev.wisp.sdk.Event;
import dev.wisp.sdk.Function;
import dev.wisp.sdk.FunctionDeploy;
import dev.wisp.sdk.Image;
import dev.wisp.sdk.Instance;
import dev.wisp.sdk.Invocation;
import dev.wisp.sdk.InvocationAccepted;
import dev.wisp.sdk.InvocationLogEntry;
import dev.wisp.sdk.NodeCapacity;
import dev.wisp.sdk.NodeInfo;
import dev.wisp.sdk.RetrySettings;
import dev.wisp.sdk.Revision;
import dev.wisp.sdk.RollbackRequest;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.ServicePatch;
import dev.wisp.sdk.ServiceStatus;
import dev.wisp.sdk.Tenant;
import dev.wisp.sdk.TierCounts;
import dev.wisp.sdk.TokenCreated;
import dev.wisp.sdk.TokenInfo;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The API's one contract: each schema of openapi.json against the record the server writes for it
 * (field names and JSON types, int32 vs int64, required, nullable), the fields the server accepts
 * for it, and the SDK's record for it (names and types). A field added on one side only fails here.
 * Real answers are checked against the same schemas in ControlApiTest and FunctionsApiVmTest.
 */
class ShapesTest {
    /**
     * One schema and its three readers and writers; null where a side has none (a request body
     * the server does not answer with, an answer the server reads nothing of, health which the
     * SDK reports as a boolean).
     */
    record Contract(String schema, Class<?> server, Set<String> accepted, Class<?> sdk) {}

    static final List<Contract> CONTRACTS = List.of(
            new Contract("Error", Shapes.ErrorBody.class, null, ErrorBody.class),
            new Contract("ErrorDetail", Shapes.ErrorDetail.class, null, ApiError.class),
            new Contract("Resources", Resources.class, ServiceInput.RESOURCES_FIELDS, dev.wisp.sdk.Resources.class),
            new Contract("Scaling", Scaling.class, ServiceInput.SCALING_FIELDS, dev.wisp.sdk.Scaling.class),
            new Contract("Standby", Standby.class, ServiceInput.STANDBY_FIELDS, dev.wisp.sdk.Standby.class),
            new Contract("TierCounts", Shapes.TierCounts.class, null, TierCounts.class),
            new Contract("ServiceStatus", Shapes.ServiceStatusView.class, null, ServiceStatus.class),
            new Contract("Service", Shapes.ServiceView.class, ServiceInput.SERVICE_FIELDS, Service.class),
            new Contract("Revision", Shapes.RevisionView.class, null, Revision.class),
            new Contract("StartFailure", Shapes.StartFailureView.class, null, dev.wisp.sdk.Failure.class),
            new Contract("Deploy", null, ServiceInput.DEPLOY_FIELDS, DeployRequest.class),
            new Contract("ServicePatch", null, ServiceInput.PATCH_FIELDS, ServicePatch.class),
            new Contract("Rollback", null, ServiceInput.ROLLBACK_FIELDS, RollbackRequest.class),
            new Contract("Instance", Shapes.InstanceView.class, null, Instance.class),
            new Contract("LogLine", Shapes.LogLineView.class, null, dev.wisp.sdk.LogLine.class),
            new Contract("Event", EventRecord.class, null, Event.class),
            new Contract("Image", Shapes.ImageView.class, null, Image.class),
            new Contract("ImagePull", null, ImagePulls.FIELDS, dev.wisp.sdk.ImagePull.class),
            new Contract("NodeCapacity", Shapes.NodeCapacityView.class, null, NodeCapacity.class),
            new Contract("Node", Shapes.NodeView.class, null, NodeInfo.class),
            new Contract("DrainResult", null, null, dev.wisp.sdk.DrainResult.class),
            new Contract("Quota", Quota.class, TenantsApi.QUOTA_FIELDS, dev.wisp.sdk.Quota.class),
            new Contract("Tenant", TenantRecord.class, TenantsApi.TENANT_FIELDS, Tenant.class),
            new Contract("Token", Shapes.TokenView.class, null, TokenInfo.class),
            new Contract("Secret", Shapes.SecretView.class, null, dev.wisp.sdk.Secret.class),
            new Contract("SignInLink", Shapes.SignInLink.class, null, dev.wisp.sdk.SignInLink.class),
            new Contract("SignIn", null, SignInLinks.FIELDS, null),
            new Contract("SignedIn", Shapes.SignedIn.class, null, null),
            new Contract("SecretValue", null, Secrets.FIELDS, dev.wisp.sdk.SecretValue.class),
            new Contract("TokenCreated", Shapes.TokenCreatedView.class, null, TokenCreated.class),
            new Contract("RetrySettings", Shapes.RetryView.class, FunctionInput.RETRY_FIELDS, RetrySettings.class),
            new Contract("FunctionDeploy", null, FunctionInput.FIELDS, FunctionDeploy.class),
            new Contract("Function", Shapes.FunctionView.class, null, Function.class),
            new Contract("InvocationAccepted", Shapes.InvocationAccepted.class, null, InvocationAccepted.class),
            new Contract("Invocation", InvocationView.class, null, Invocation.class),
            new Contract("InvocationLogEntry", LogEntry.class, null, InvocationLogEntry.class),
            new Contract("StoreHealth", Shapes.StoreHealth.class, null, null),
            new Contract("Health", Shapes.Health.class, null, null),
            new Contract("VolumeMount", VolumeMount.class, Volumes.MOUNT_FIELDS, dev.wisp.sdk.VolumeMount.class),
            new Contract("Volume", Shapes.VolumeView.class, null, dev.wisp.sdk.Volume.class),
            new Contract("VolumeCreate", null, Volumes.FIELDS, null));

    private final OpenApiDoc doc = OpenApiDoc.load();
    private final Map<Class<?>, String> serverSchemas = schemaOf(true);
    private final Map<Class<?>, String> sdkSchemas = schemaOf(false);

    private static Map<Class<?>, String> schemaOf(boolean server) {
        Map<Class<?>, String> m = new HashMap<>();
        for (Contract c : CONTRACTS) {
            Class<?> k = server ? c.server() : c.sdk();
            if (k != null) {
                m.put(k, c.schema());
            }
        }
        return m;
    }

    @Test
    void everySchema_hasOneContract_andEveryContractASchema() {
        Set<String> documented = new TreeSet<>();
        doc.schemas().fieldNames().forEachRemaining(documented::add);
        assertThat(CONTRACTS)
                .extracting(Contract::schema)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void everyJsonBodyOfEveryRoute_isANamedSchemaOrAListOfOne() {
        List<String> vague = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.paths().fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            if (p.getKey().equals("/v1/openapi.json")) {
                continue; // this document itself
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String where = op.getKey().toUpperCase() + " " + p.getKey();
                JsonNode req = op.getValue()
                        .path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema");
                if (!req.isMissingNode() && !named(req)) {
                    vague.add(where + " request");
                }
                for (Iterator<Map.Entry<String, JsonNode>> rs =
                                op.getValue().path("responses").fields();
                        rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    JsonNode s = r.getValue()
                            .path("content")
                            .path("application/json")
                            .path("schema");
                    if (!s.isMissingNode() && !named(s)) {
                        vague.add(where + " " + r.getKey());
                    }
                }
            }
        }
        assertThat(vague)
                .as("JSON bodies without a schema of components/schemas")
                .isEmpty();
    }

    /** A {@code $ref} to an existing schema, or {@code {"items": [$ref...]}}. */
    private boolean named(JsonNode s) {
        String ref = OpenApiDoc.refName(s);
        if (ref != null) {
            return doc.schemas().has(ref);
        }
        JsonNode items = s.path("properties").path("items").path("items");
        return s.path("required").toString().equals("[\"items\"]")
                && s.path("properties").size() == 1
                && OpenApiDoc.refName(items) != null
                && doc.schemas().has(OpenApiDoc.refName(items));
    }

    @Test
    void serverRecords_writeExactlyTheirSchemasFields_withItsTypesRequiredAndNullable() {
        assertThat(problems(c -> c.server() == null ? List.<String>of() : serverProblems(c.schema(), c.server())))
                .isEmpty();
    }

    @Test
    void fieldsTheServerAccepts_areTheSchemasFields() {
        assertThat(problems(this::acceptedProblems)).isEmpty();
    }

    @Test
    void sdkRecords_readAndWriteExactlyTheSchemasFields_withItsTypes() {
        assertThat(problems(this::sdkProblems)).isEmpty();
    }

    /** What one check finds wrong with one contract. */
    private interface Check {
        List<String> of(Contract c);
    }

    /** What {@code check} finds over every contract. */
    private static List<String> problems(Check check) {
        return CONTRACTS.stream().flatMap(c -> check.of(c).stream()).toList();
    }

    private List<String> acceptedProblems(Contract c) {
        if (c.accepted() == null) {
            return List.of();
        }
        // Read-only fields are accepted too: an answer may be sent back as it is.
        Set<String> props = properties(doc.schema(c.schema()), false);
        return props.equals(new TreeSet<>(c.accepted()))
                ? List.of()
                : List.of(c.schema() + ": the server accepts " + new TreeSet<>(c.accepted()) + ", the schema has "
                        + props);
    }

    private List<String> sdkProblems(Contract c) {
        List<String> problems = new ArrayList<>();
        if (c.sdk() == null) {
            return problems;
        }
        JsonNode schema = doc.schema(c.schema());
        Map<String, Type> fields = jsonFields(c.sdk());
        Set<String> props = properties(schema, false);
        if (!props.equals(fields.keySet())) {
            problems.add(c.schema() + ": the SDK's " + c.sdk().getSimpleName() + " has " + fields.keySet()
                    + ", the schema " + props);
        }
        fields.forEach((name, type) -> {
            JsonNode p = schema.path("properties").get(name);
            if (p != null) {
                typeProblem(p, type, sdkSchemas).ifPresent(t -> problems.add(c.schema() + "." + name + " (SDK): " + t));
            }
        });
        return problems;
    }

    @Test
    void aFieldAddedToAServerRecordAlone_isReported() {
        record TokenViewWithMore(String id, String tenant, boolean admin, String createdAt, long expiresAt) {}
        record TokenViewWrongWidth(String id, String tenant, boolean admin, long createdAt) {}
        assertThat(serverProblems("Token", TokenViewWithMore.class))
                .singleElement()
                .asString()
                .contains("expiresAt");
        assertThat(serverProblems("Token", TokenViewWrongWidth.class))
                .singleElement()
                .asString()
                .contains("createdAt")
                .contains("string");
    }

    private List<String> serverProblems(String schemaName, Class<?> server) {
        List<String> problems = new ArrayList<>();
        JsonNode schema = doc.schema(schemaName);
        Map<String, Type> fields = jsonFields(server);
        Set<String> answered = properties(schema, true);
        if (!answered.equals(fields.keySet())) {
            problems.add(schemaName + ": the server's " + server.getSimpleName() + " writes " + fields.keySet()
                    + ", the schema's answer fields are " + answered);
        }
        Set<String> required = new TreeSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (RecordComponent rc : server.getRecordComponents()) {
            String name = jsonName(server, rc);
            JsonNode p = schema.path("properties").get(name);
            if (p == null) {
                continue;
            }
            typeProblem(p, rc.getGenericType(), serverSchemas)
                    .ifPresent(t -> problems.add(schemaName + "." + name + ": " + t));
            boolean always = alwaysWritten(server, rc);
            if (!acceptedSchema(schemaName) && (rc.getType().isPrimitive() || always) && !required.contains(name)) {
                problems.add(schemaName + "." + name + ": always in the server's answers, not required in the schema");
            }
            boolean nullable = p.path("nullable").asBoolean();
            if (nullable != always) {
                problems.add(schemaName + "." + name
                        + (always
                                ? ": written as null when absent, schema not nullable"
                                : ": schema says nullable, the server leaves it out instead"));
            }
        }
        for (String r : required) {
            if (!fields.containsKey(r)) {
                problems.add(schemaName + "." + r + ": required, the server never writes it");
            }
        }
        return problems;
    }

    /** Schemas that are request bodies too: there {@code required} says what a request needs. */
    private static boolean acceptedSchema(String name) {
        return CONTRACTS.stream().anyMatch(c -> c.schema().equals(name) && c.accepted() != null);
    }

    private static boolean alwaysWritten(Class<?> record, RecordComponent rc) {
        try {
            Field f = record.getDeclaredField(rc.getName());
            JsonInclude inc = f.getAnnotation(JsonInclude.class);
            return inc != null && inc.value() == JsonInclude.Include.ALWAYS;
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    /** Property names, without write-only ones when {@code answers}. */
    private static Set<String> properties(JsonNode schema, boolean answers) {
        Set<String> names = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        schema.path("properties").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!answers || !e.getValue().path("writeOnly").asBoolean()) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    /** A record's JSON field names (its {@code @JsonProperty} names where it has them) and Java types. */
    private static Map<String, Type> jsonFields(Class<?> record) {
        assertThat(record.isRecord()).as(record + " is a record").isTrue();
        Map<String, Type> m = new java.util.TreeMap<>();
        for (RecordComponent rc : record.getRecordComponents()) {
            m.put(jsonName(record, rc), rc.getGenericType());
        }
        return m;
    }

    private static String jsonName(Class<?> record, RecordComponent rc) {
        try {
            JsonProperty p = record.getDeclaredField(rc.getName()).getAnnotation(JsonProperty.class);
            return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    /** Why a Java type cannot carry a property of this schema, if it cannot. */
    private java.util.Optional<String> typeProblem(JsonNode prop, Type type, Map<Class<?>, String> schemas) {
        String ref = OpenApiDoc.refName(prop);
        String want;
        boolean ok;
        if (ref != null) {
            want = "$ref " + ref;
            ok = type instanceof Class<?> k && ref.equals(schemas.get(k));
        } else {
            String t = prop.path("type").asText();
            String format = prop.path("format").asText("");
            want = t + (format.isEmpty() ? "" : " " + format);
            ok = switch (t) {
                case "string" -> type == String.class;
                case "boolean" -> type == boolean.class || type == Boolean.class;
                case "number" -> type == double.class || type == Double.class;
                case "integer" ->
                    switch (format) {
                        case "int32" -> type == int.class || type == Integer.class;
                        case "int64" -> type == long.class || type == Long.class;
                        default -> false; // every integer states its width
                    };
                case "array" ->
                    type instanceof ParameterizedType pt
                            && pt.getRawType() instanceof Class<?> raw
                            && Collection.class.isAssignableFrom(raw)
                            && typeProblem(prop.path("items"), pt.getActualTypeArguments()[0], schemas)
                                    .isEmpty();
                case "object" ->
                    type instanceof ParameterizedType pt
                            && pt.getRawType() == Map.class
                            && pt.getActualTypeArguments()[0] == String.class
                            && prop.has("additionalProperties")
                            && typeProblem(prop.path("additionalProperties"), pt.getActualTypeArguments()[1], schemas)
                                    .isEmpty();
                default -> false;
            };
        }
        return ok
                ? java.util.Optional.empty()
                : java.util.Optional.of("the schema says " + want + ", the record has " + type.getTypeName());
    }
}
