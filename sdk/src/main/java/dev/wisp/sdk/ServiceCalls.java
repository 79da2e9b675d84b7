package dev.wisp.sdk;

import static dev.wisp.sdk.ApiTransport.seg;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code /v1/services} routes of {@link WispClient}: services, revisions, instances, events. */
final class ServiceCalls {
    private final ApiTransport t;

    ServiceCalls(ApiTransport t) {
        this.t = t;
    }

    List<Service> services() {
        return t.list(t.get("/v1/services", true), Service.class);
    }

    Service service(String name) {
        return t.call(t.get(svc(name), true), t.type(Service.class));
    }

    Service create(Service spec) {
        return t.call(t.post("/v1/services", true, spec), t.type(Service.class));
    }

    Service apply(String name, Service spec) {
        return t.call(t.json(t.req(svc(name), true), "PUT", spec), t.type(Service.class));
    }

    Service update(String name, ServicePatch patch) {
        return t.call(t.json(t.req(svc(name), true), "PATCH", patch), t.type(Service.class));
    }

    Revision deploy(String name, DeployRequest deploy) {
        return t.call(t.post(svc(name) + "/deploy", true, deploy), t.type(Revision.class));
    }

    Revision rollback(String name, int revision) {
        return t.call(t.post(svc(name) + "/rollback", true, new RollbackRequest(revision)), t.type(Revision.class));
    }

    void delete(String name) {
        t.call(t.req(svc(name), true).DELETE(), null);
    }

    List<Revision> revisions(String name) {
        return t.list(t.get(svc(name) + "/revisions", true), Revision.class);
    }

    List<Instance> instances(String name) {
        return t.list(t.get(svc(name) + "/instances", true), Instance.class);
    }

    String console(String name, String instanceId) {
        HttpResponse<byte[]> rsp = t.checked(t.send(
                t.get(svc(name) + "/instances/" + seg(instanceId) + "/console", true)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        return new String(rsp.body(), StandardCharsets.UTF_8);
    }

    List<Event> events(String name) {
        return t.list(t.get(svc(name) + "/events", true), Event.class);
    }

    private static String svc(String name) {
        return "/v1/services/" + seg(name);
    }
}
