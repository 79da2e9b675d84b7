package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.Image;
import dev.wisp.node.Node;
import dev.wisp.node.ServiceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Services, their revisions, instances and events: {@code /v1/services/...}. */
final class ServicesApi {
    private final Registry registry;
    private final EventLog events;
    private final Node node;
    private final NodeSpecs specs;
    private final EnvCipher cipher;
    private final Secrets secrets;
    private final Reconciling reconciler;
    private final String routerBase;

    ServicesApi(
            Registry registry,
            EventLog events,
            Node node,
            NodeSpecs specs,
            EnvCipher cipher,
            Secrets secrets,
            Reconciling reconciler,
            int routerPort) {
        this.registry = registry;
        this.events = events;
        this.node = node;
        this.specs = specs;
        this.cipher = cipher;
        this.secrets = secrets;
        this.reconciler = reconciler;
        this.routerBase = "localhost:" + routerPort;
    }

    void register(ApiRoutes r) {
        r.add("GET", "/v1/services", (c, who, p) -> list(who));
        r.add("POST", "/v1/services", (c, who, p) -> create(c, who));
        r.add("GET", "/v1/services/{name}", (c, who, p) -> Reply.json(200, view(existing(who, p))));
        r.add("PATCH", "/v1/services/{name}", (c, who, p) -> patch(c, who, p));
        r.add("DELETE", "/v1/services/{name}", (c, who, p) -> delete(who, p));
        r.add("POST", "/v1/services/{name}/deploy", (c, who, p) -> deploy(c, who, p));
        r.add("POST", "/v1/services/{name}/rollback", (c, who, p) -> rollback(c, who, p));
        r.add("GET", "/v1/services/{name}/revisions", (c, who, p) -> revisions(who, p));
        r.add("GET", "/v1/services/{name}/instances", (c, who, p) -> instances(who, p));
        r.add("GET", "/v1/services/{name}/instances/{id}/console", (c, who, p) -> console(who, p));
        r.add(
                "GET",
                "/v1/services/{name}/events",
                (c, who, p) -> items(events.list(who.tenant(), existing(who, p).name(), 0, 200)));
    }

    /** The service or 404: a foreign tenant's service is indistinguishable from a missing one. */
    private ServiceRecord existing(Caller who, Map<String, String> p) {
        String name = p.get("name");
        Optional<ServiceRecord> s = Names.valid(name) ? registry.service(who.tenant(), name) : Optional.empty();
        return s.orElseThrow(() -> ApiException.notFound("no service '" + Names.shorten(name) + "'"));
    }

    private Reply list(Caller who) {
        return items(registry.services(who.tenant()).stream().map(this::view).toList());
    }

    static Reply items(List<?> items) {
        return Reply.json(200, new Shapes.Items<>(items));
    }

    private Reply create(Call c, Caller who) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "the service", ServiceInput.SERVICE_FIELDS);
        String name = Names.require("service", Fields.string(body, "name", "", null));
        String imageId = Fields.string(body, "image", "", null);
        if (imageId == null) {
            throw ApiException.badRequest("image is required (an id from POST /v1/images)");
        }
        Image image = image(who.tenant(), imageId);
        Scaling scaling = ServiceInput.scaling(Fields.child(body, "scaling"), Scaling.DEFAULT);
        Standby standby = ServiceInput.standby(Fields.child(body, "standby"), Standby.DEFAULT);
        String access = ServiceInput.access(body, "public");
        Resources res = ServiceInput.resources(Fields.child(body, "resources"), Resources.DEFAULT);
        Map<String, String> env = cipher.sealAll(Secrets.merge(
                ServiceInput.env(Fields.child(body, "env"), Map.of()),
                Map.of(),
                secrets.env(who.tenant(), body.get("secrets"))));
        int port = ServiceInput.port(body, image.port());
        String now = registry.now();
        ServiceRecord s = new ServiceRecord(who.tenant(), name, scaling, standby, access, 1, 1, 0, 0, 0, now);
        RevisionRecord rev = RevisionRecord.of(name, 1, image.id(), env, res, port, now);
        registry.write(tx -> {
            Quota q = Quotas.quotaOf(tx, who.tenant());
            if (tx.get(Registry.serviceKey(who.tenant(), name), ServiceRecord.class)
                    .isPresent()) {
                throw ApiException.conflict("service '" + name
                        + "' exists; deploy a new revision with POST /v1/services/" + name + "/deploy");
            }
            requireImageRecord(tx, who.tenant(), image.id());
            Quotas.check(tx, who.tenant(), q, name, scaling, res);
            touchTenant(tx, who.tenant());
            // Revisions of an earlier service of the same name are gone with it; start clean.
            tx.put(Registry.serviceKey(who.tenant(), name), s);
            tx.put(Registry.revisionKey(who.tenant(), name, 1), rev);
            return null;
        });
        events.append(who.tenant(), "service.created", name, null, "revision 1 of image " + image.id());
        reconciler.trigger();
        return Reply.json(201, view(s));
    }

    private Reply patch(Call c, Caller who, Map<String, String> p) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a service update (scaling, standby, access)", ServiceInput.PATCH_FIELDS);
        ServiceRecord updated = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            Scaling scaling = ServiceInput.scaling(Fields.child(body, "scaling"), s.scaling());
            Standby standby = ServiceInput.standby(Fields.child(body, "standby"), s.standby());
            String access = ServiceInput.access(body, s.access());
            boolean respec = !scaling.equals(s.scaling()) || !standby.equals(s.standby());
            ServiceRecord next = s.withSettings(scaling, standby, access, respec);
            if (respec) {
                Quotas.check(
                        tx,
                        who.tenant(),
                        Quotas.quotaOf(tx, who.tenant()),
                        s.name(),
                        scaling,
                        revisionInTx(tx, s, s.targetRevision()).resources());
            }
            touchTenant(tx, who.tenant());
            tx.put(Registry.serviceKey(who.tenant(), s.name()), next);
            return next;
        });
        events.append(who.tenant(), "service.updated", updated.name(), null, "settings changed");
        reconciler.trigger();
        return Reply.json(200, view(updated));
    }

    private Reply deploy(Call c, Caller who, Map<String, String> p) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a deploy (image, env, secrets, resources, port)", ServiceInput.DEPLOY_FIELDS);
        ServiceRecord current = existing(who, p);
        RevisionRecord last = registry.revision(who.tenant(), current.name(), current.latestRevision())
                .orElseThrow(() -> ApiException.conflict("the service has no latest revision; try again"));
        String imageId = Fields.string(body, "image", "", last.image());
        Image image = image(who.tenant(), imageId);
        Resources res = ServiceInput.resources(Fields.child(body, "resources"), last.resources());
        Map<String, String> given = ServiceInput.env(Fields.child(body, "env"), null);
        Map<String, String> fromSecrets = secrets.env(who.tenant(), body.get("secrets"));
        // Without an env or secrets the new revision keeps the last one's, still sealed.
        Map<String, String> env = given == null && fromSecrets == null
                ? last.sealedEnvWith(cipher)
                : cipher.sealAll(Secrets.merge(given, given == null ? last.openEnv(cipher) : null, fromSecrets));
        int port = ServiceInput.port(
                body, Fields.has(body, "image") && !Fields.has(body, "port") ? image.port() : last.port());
        RevisionRecord created = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            requireImageRecord(tx, who.tenant(), image.id());
            Quotas.check(tx, who.tenant(), Quotas.quotaOf(tx, who.tenant()), s.name(), s.scaling(), res);
            int n = s.latestRevision() + 1;
            RevisionRecord rev = RevisionRecord.of(s.name(), n, image.id(), env, res, port, registry.now());
            forgetOldRevisions(tx, s);
            touchTenant(tx, who.tenant());
            tx.put(Registry.serviceKey(who.tenant(), s.name()), s.withLatest(n));
            tx.put(Registry.revisionKey(who.tenant(), s.name(), n), rev);
            return rev;
        });
        events.append(
                who.tenant(),
                "service.updated",
                current.name(),
                null,
                "revision " + created.number() + " deployed (image " + image.id() + ")");
        reconciler.trigger();
        return Reply.json(202, revisionView(created));
    }

    private Reply rollback(Call c, Caller who, Map<String, String> p) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a rollback", ServiceInput.ROLLBACK_FIELDS);
        if (!Fields.has(body, "revision")) {
            throw ApiException.badRequest("revision is required");
        }
        int n = (int) Fields.integer(body, "revision", "", 0, 1, Integer.MAX_VALUE);
        RevisionRecord rev = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            RevisionRecord r = tx.get(Registry.revisionKey(who.tenant(), s.name(), n), RevisionRecord.class)
                    .orElseThrow(() -> ApiException.notFound("service '" + s.name() + "' has no revision " + n));
            if (image(who.tenant(), r.image()) == null) {
                throw ApiException.conflict("the image of revision " + n + " is gone");
            }
            if ("failed".equals(r.state())) {
                // A rollback to a failed revision is a request to try it again.
                tx.put(
                        Registry.revisionKey(who.tenant(), s.name(), n),
                        r.withState("warming", null).withFailure(null));
            }
            touchTenant(tx, who.tenant());
            tx.put(Registry.serviceKey(who.tenant(), s.name()), s.withTarget(n));
            return r;
        });
        events.append(who.tenant(), "service.updated", rev.service(), null, "rollback to revision " + n);
        reconciler.trigger();
        return Reply.json(202, revisionView(rev));
    }

    private Reply delete(Caller who, Map<String, String> p) {
        ServiceRecord gone = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            tx.delete(Registry.serviceKey(who.tenant(), s.name()));
            for (RevisionRecord r : tx.range(Registry.revisionsPrefix(who.tenant(), s.name()), RevisionRecord.class)) {
                tx.delete(Registry.revisionKey(who.tenant(), s.name(), r.number()));
            }
            touchTenant(tx, who.tenant());
            return s;
        });
        events.append(who.tenant(), "service.deleted", gone.name(), null, "deleted");
        // Instances stop, snapshots and templates go before the answer (bounded).
        reconciler.reconcileNow(Duration.ofSeconds(60));
        return Reply.noContent();
    }

    private Reply revisions(Caller who, Map<String, String> p) {
        ServiceRecord s = existing(who, p);
        return items(registry.revisions(who.tenant(), s.name()).stream()
                .map(ServicesApi::revisionView)
                .toList());
    }

    private Reply instances(Caller who, Map<String, String> p) {
        ServiceRecord s = existing(who, p);
        List<Shapes.InstanceView> items = new ArrayList<>();
        for (RevisionRecord r : registry.revisions(who.tenant(), s.name())) {
            String key = NodeKeys.key(s.tenant(), s.name(), r.number(), s.generation());
            node.status(key).ifPresent(st -> st.instances().forEach(i -> items.add(instanceView(s, r.number(), i))));
        }
        return items(items);
    }

    private Reply console(Caller who, Map<String, String> p) {
        ServiceRecord s = existing(who, p);
        String id = p.get("id");
        boolean ours = false;
        for (RevisionRecord r : registry.revisions(who.tenant(), s.name())) {
            String key = NodeKeys.key(s.tenant(), s.name(), r.number(), s.generation());
            ours |= node.status(key)
                    .map(st -> st.instances().stream().anyMatch(i -> i.id().equals(id)))
                    .orElse(false);
        }
        if (!ours) {
            throw ApiException.notFound("service '" + s.name() + "' has no instance '" + Names.shorten(id) + "'");
        }
        String text = node.console(id).orElseThrow(() -> ApiException.notFound("no console for '" + id + "'"));
        return Reply.text(200, "text/plain; charset=utf-8", text);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Image image(String tenant, String id) {
        Optional<Image> img = id != null
                        && id.matches("[0-9a-f]{16}")
                        && registry.get(Registry.imageKey(tenant, id), ImageRecord.class)
                                .isPresent()
                ? specs.images().get(id)
                : Optional.empty();
        // 404 like any resource the tenant does not hold, even when the bytes are stored for another tenant.
        return img.orElseThrow(() -> ApiException.notFound(
                "no image '" + Names.shorten(id) + "' (upload it with POST /v1/images; ids are 16 hex digits)"));
    }

    private static void requireImageRecord(Tx tx, String tenant, String id) {
        if (tx.get(Registry.imageKey(tenant, id), ImageRecord.class).isEmpty()) {
            throw ApiException.notFound("no image '" + id + "': it was deleted meanwhile");
        }
    }

    private static ServiceRecord inTx(Tx tx, Caller who, Map<String, String> p) {
        String name = p.get("name");
        Optional<ServiceRecord> s = Names.valid(name)
                ? tx.get(Registry.serviceKey(who.tenant(), name), ServiceRecord.class)
                : Optional.empty();
        return s.orElseThrow(() -> ApiException.notFound("no service '" + Names.shorten(name) + "'"));
    }

    private static RevisionRecord revisionInTx(Tx tx, ServiceRecord s, int n) {
        return tx.get(Registry.revisionKey(s.tenant(), s.name(), n), RevisionRecord.class)
                .orElseThrow(() -> ApiException.conflict("revision " + n + " is missing"));
    }

    /** Every service or image write touches its tenant's record: concurrent quota checks then conflict. */
    static void touchTenant(Tx tx, String tenant) {
        TenantRecord t = tx.get(Registry.tenantKey(tenant), TenantRecord.class)
                .orElseThrow(() -> ApiException.notFound("no tenant '" + tenant + "'"));
        tx.put(Registry.tenantKey(tenant), t);
    }

    private static void forgetOldRevisions(Tx tx, ServiceRecord s) {
        List<RevisionRecord> all = tx.range(Registry.revisionsPrefix(s.tenant(), s.name()), RevisionRecord.class);
        int excess = all.size() + 1 - Registry.MAX_REVISIONS;
        for (RevisionRecord r : all) {
            if (excess <= 0) {
                break;
            }
            int n = r.number();
            if (n != s.targetRevision() && n != s.servingRevision() && n != s.previousRevision()) {
                tx.delete(Registry.revisionKey(s.tenant(), s.name(), n));
                excess--;
            }
        }
    }

    // ---- views ------------------------------------------------------------------------------------

    Shapes.ServiceView view(ServiceRecord s) {
        RevisionRecord target =
                registry.revision(s.tenant(), s.name(), s.targetRevision()).orElse(null);
        String url = "http://" + s.name() + (Registry.DEFAULT_TENANT.equals(s.tenant()) ? "" : "." + s.tenant()) + "."
                + routerBase + "/";
        int running = 0;
        int paused = 0;
        int snapshotted = 0;
        List<String> nodeServices = new ArrayList<>();
        for (RevisionRecord r : registry.revisions(s.tenant(), s.name())) {
            String key = NodeKeys.key(s.tenant(), s.name(), r.number(), s.generation());
            Optional<ServiceStatus> st = node.status(key);
            if (st.isPresent()) {
                nodeServices.add(key);
                running += (int) st.get().count("running");
                paused += (int) st.get().count("paused");
                snapshotted += (int) st.get().count("snapshotted");
            }
        }
        var status = new Shapes.ServiceStatusView(
                s.servingRevision() != 0, new Shapes.TierCounts(running, paused, snapshotted));
        // Why the newest revision cannot start, while it cannot: what a user deploying it needs first.
        Shapes.StartFailureView failure = registry.revision(s.tenant(), s.name(), s.latestRevision())
                .filter(r -> r.failure() != null)
                .map(r -> failureView(r, true))
                .orElse(null);
        // Env values are write-only: the target revision's names only.
        return new Shapes.ServiceView(
                s.name(),
                s.tenant(),
                target == null ? null : target.image(),
                target == null ? null : List.copyOf(target.envNames()),
                target == null ? null : target.resources(),
                target == null ? null : target.port(),
                s.scaling(),
                s.standby(),
                s.access(),
                s.servingRevision(),
                s.latestRevision(),
                s.targetRevision(),
                url,
                nodeServices,
                status,
                failure);
    }

    /** A revision as the API shows it: its env by names only (values are write-only). */
    static Shapes.RevisionView revisionView(RevisionRecord r) {
        return new Shapes.RevisionView(
                r.service(),
                r.number(),
                r.image(),
                List.copyOf(r.envNames()),
                r.resources(),
                r.port(),
                r.createdAt(),
                r.state(),
                r.message(),
                r.failure() == null ? null : failureView(r, false));
    }

    /** The revision's last failed start; on a service also which revision and its state. */
    private static Shapes.StartFailureView failureView(RevisionRecord r, boolean onService) {
        RevisionRecord.Failure f = r.failure();
        return new Shapes.StartFailureView(
                f.reason(),
                f.console() == null ? List.of() : List.copyOf(f.console()),
                f.at(),
                f.attempts(),
                f.retryAt(),
                onService ? r.number() : null,
                onService ? r.state() : null);
    }

    private static Shapes.InstanceView instanceView(ServiceRecord s, int revision, ServiceStatus.InstanceStatus i) {
        return new Shapes.InstanceView(
                i.id(),
                s.name(),
                revision,
                i.tier(),
                i.state(),
                "local",
                i.startedAt() == null ? null : i.startedAt().toString(),
                i.busy());
    }
}
