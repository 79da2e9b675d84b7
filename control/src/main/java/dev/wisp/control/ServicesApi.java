package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.image.Image;
import dev.wisp.node.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Services, their revisions, instances and events: {@code /v1/services/...}. */
record ServicesApi(
        Registry registry,
        EventLog events,
        Node node,
        NodeSpecs specs,
        EnvCipher cipher,
        Secrets secrets,
        Volumes volumes,
        Reconciling reconciler,
        ServiceViews views,
        int memoryFloorMib) {
    void register(ApiRoutes r) {
        r.add("GET", "/v1/services", (c, who, p) -> list(who));
        r.add("POST", "/v1/services", (c, who, p) -> create(c, who));
        r.add("GET", "/v1/services/{name}", (c, who, p) -> Reply.json(200, views.service(existing(who, p))));
        r.add("PUT", "/v1/services/{name}", (c, who, p) -> apply(c, who, p));
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
        return items(
                registry.services(who.tenant()).stream().map(views::service).toList());
    }

    private static List<VolumeMount> orNone(List<VolumeMount> mounts) {
        return mounts == null ? List.of() : mounts;
    }

    static Reply items(List<?> items) {
        return Reply.json(200, new Shapes.Items<>(items));
    }

    private Reply create(Call c, Caller who) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "the service", ServiceInput.SERVICE_FIELDS);
        return create(who, body, Names.require("service", Fields.string(body, "name", "", null)));
    }

    private Reply create(Caller who, JsonNode body, String name) {
        String imageId = Fields.string(body, "image", "", null);
        if (imageId == null) {
            throw ApiException.badRequest("image is required (an id from POST /v1/images)");
        }
        Image image = image(who.tenant(), imageId);
        Scaling scaling = ServiceInput.scaling(Fields.child(body, "scaling"), Scaling.DEFAULT);
        Standby standby = ServiceInput.standby(Fields.child(body, "standby"), Standby.DEFAULT);
        String access = ServiceInput.access(body, "public");
        Resources res = ServiceInput.resources(Fields.child(body, "resources"), Resources.DEFAULT, memoryFloorMib);
        Map<String, String> env = cipher.sealAll(Secrets.merge(
                ServiceInput.env(Fields.child(body, "env"), Map.of()),
                Map.of(),
                secrets.env(who.tenant(), body.get("secrets"))));
        int port = ServiceInput.port(body, image.port());
        String egress = ServiceInput.egress(body, "none");
        List<VolumeMount> mounts = orNone(volumes.mounts(who.tenant(), body.get("volumes")));
        String now = registry.now();
        ServiceRecord s = new ServiceRecord(who.tenant(), name, scaling, standby, access, 1, 1, 0, 0, 0, now);
        RevisionRecord rev = new RevisionRecord(
                name, 1, image.id(), env, res, port, now, "warming", null, null, null, egress, mounts);
        registry.write(tx -> {
            Quota q = Quotas.quotaOf(tx, who.tenant());
            if (tx.get(Registry.serviceKey(who.tenant(), name), ServiceRecord.class)
                    .isPresent()) {
                throw ApiException.conflict("service '" + name
                        + "' exists; deploy a new revision with POST /v1/services/" + name + "/deploy");
            }
            requireImageRecord(tx, who.tenant(), image.id());
            Quotas.check(tx, who.tenant(), q, name, scaling, res);
            Registry.touchTenant(tx, who.tenant());
            // Revisions of an earlier service of the same name are gone with it; start clean.
            tx.put(Registry.serviceKey(who.tenant(), name), s);
            tx.put(Registry.revisionKey(who.tenant(), name, 1), rev);
            return null;
        });
        events.append(who.tenant(), "service.created", name, null, "revision 1 of image " + image.id());
        reconciler.trigger();
        return Reply.json(201, views.service(s));
    }

    private Reply patch(Call c, Caller who, Map<String, String> p) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a service update (scaling, standby, access)", ServiceInput.PATCH_FIELDS);
        ServiceRecord updated = changeSettings(
                who,
                p,
                s -> new Settings(
                        ServiceInput.scaling(Fields.child(body, "scaling"), s.scaling()),
                        ServiceInput.standby(Fields.child(body, "standby"), s.standby()),
                        ServiceInput.access(body, s.access())));
        return Reply.json(200, views.service(updated));
    }

    private record Settings(Scaling scaling, Standby standby, String access) {}

    /** Writes the settings {@code next} derives from the stored service; no new revision. */
    private ServiceRecord changeSettings(Caller who, Map<String, String> p, Function<ServiceRecord, Settings> next) {
        ServiceRecord updated = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            Settings n = next.apply(s);
            boolean respec = !n.scaling().equals(s.scaling()) || !n.standby().equals(s.standby());
            if (respec) {
                Quotas.check(
                        tx,
                        who.tenant(),
                        Quotas.quotaOf(tx, who.tenant()),
                        s.name(),
                        n.scaling(),
                        revisionInTx(tx, s, s.targetRevision()).resources());
            }
            Registry.touchTenant(tx, who.tenant());
            ServiceRecord result = s.withSettings(n.scaling(), n.standby(), n.access(), respec);
            tx.put(Registry.serviceKey(who.tenant(), s.name()), result);
            return result;
        });
        events.append(who.tenant(), "service.updated", updated.name(), null, "settings changed");
        reconciler.trigger();
        return updated;
    }

    /**
     * {@code PUT}: the service as the body says, defaults for what it omits. Creates it if absent;
     * otherwise a new revision only if image, env (secrets included), resources or port differ from
     * the target revision's, and the settings in place: the same body twice changes nothing.
     */
    private Reply apply(Call c, Caller who, Map<String, String> p) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "the service", ServiceInput.SERVICE_FIELDS);
        String name = Names.require("service", p.get("name"));
        String named = Fields.string(body, "name", "", name);
        if (!named.equals(name)) {
            throw ApiException.badRequest(
                    "the body names service '" + Names.shorten(named) + "', the path '" + name + "'");
        }
        Optional<ServiceRecord> current = registry.service(who.tenant(), name);
        if (current.isEmpty()) {
            return create(who, body, name);
        }
        String imageId = Fields.string(body, "image", "", null);
        if (imageId == null) {
            throw ApiException.badRequest("image is required (an id from POST /v1/images)");
        }
        Image image = image(who.tenant(), imageId);
        Settings settings = new Settings(
                ServiceInput.scaling(Fields.child(body, "scaling"), Scaling.DEFAULT),
                ServiceInput.standby(Fields.child(body, "standby"), Standby.DEFAULT),
                ServiceInput.access(body, "public"));
        Resources res = ServiceInput.resources(Fields.child(body, "resources"), Resources.DEFAULT, memoryFloorMib);
        Map<String, String> env = Secrets.merge(
                ServiceInput.env(Fields.child(body, "env"), Map.of()),
                Map.of(),
                secrets.env(who.tenant(), body.get("secrets")));
        int port = ServiceInput.port(body, image.port());
        String egress = ServiceInput.egress(body, "none");
        List<VolumeMount> mounts = orNone(volumes.mounts(who.tenant(), body.get("volumes")));
        ServiceRecord s = current.get();
        RevisionRecord target = registry.revision(who.tenant(), name, s.targetRevision())
                .orElseThrow(() -> ApiException.conflict("the service has no target revision; try again"));
        if (!settings.equals(new Settings(s.scaling(), s.standby(), s.access()))) {
            changeSettings(who, p, x -> settings);
        }
        boolean same = target.image().equals(image.id())
                && target.resources().equals(res)
                && target.port() == port
                && target.egressOrNone().equals(egress)
                && target.volumesOrNone().equals(mounts)
                && target.openEnv(cipher).equals(env);
        if (!same) {
            newRevision(who, p, image, cipher.sealAll(env), res, port, egress, mounts);
        }
        return Reply.json(200, views.service(existing(who, p)));
    }

    private Reply deploy(Call c, Caller who, Map<String, String> p) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(
                body, "a deploy (image, env, secrets, resources, port, egress, volumes)", ServiceInput.DEPLOY_FIELDS);
        ServiceRecord current = existing(who, p);
        RevisionRecord last = registry.revision(who.tenant(), current.name(), current.latestRevision())
                .orElseThrow(() -> ApiException.conflict("the service has no latest revision; try again"));
        String imageId = Fields.string(body, "image", "", last.image());
        Image image = image(who.tenant(), imageId);
        Resources res = ServiceInput.resources(Fields.child(body, "resources"), last.resources(), memoryFloorMib);
        Map<String, String> given = ServiceInput.env(Fields.child(body, "env"), null);
        Map<String, String> fromSecrets = secrets.env(who.tenant(), body.get("secrets"));
        // Without an env or secrets the new revision keeps the last one's, still sealed.
        Map<String, String> env = given == null && fromSecrets == null
                ? last.sealedEnvWith(cipher)
                : cipher.sealAll(Secrets.merge(given, given == null ? last.openEnv(cipher) : null, fromSecrets));
        int port = ServiceInput.port(
                body, Fields.has(body, "image") && !Fields.has(body, "port") ? image.port() : last.port());
        String egress = ServiceInput.egress(body, last.egressOrNone());
        List<VolumeMount> named = volumes.mounts(who.tenant(), body.get("volumes"));
        List<VolumeMount> mounts = named == null ? last.volumesOrNone() : named;
        return Reply.json(202, ServiceViews.revision(newRevision(who, p, image, env, res, port, egress, mounts)));
    }

    private RevisionRecord newRevision(
            Caller who,
            Map<String, String> p,
            Image image,
            Map<String, String> sealedEnv,
            Resources res,
            int port,
            String egress,
            List<VolumeMount> mounts) {
        RevisionRecord created = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            requireImageRecord(tx, who.tenant(), image.id());
            Quotas.check(tx, who.tenant(), Quotas.quotaOf(tx, who.tenant()), s.name(), s.scaling(), res);
            int n = s.latestRevision() + 1;
            RevisionRecord rev = new RevisionRecord(
                    s.name(),
                    n,
                    image.id(),
                    sealedEnv,
                    res,
                    port,
                    registry.now(),
                    "warming",
                    null,
                    null,
                    null,
                    egress,
                    mounts);
            forgetOldRevisions(tx, s);
            Registry.touchTenant(tx, who.tenant());
            tx.put(Registry.serviceKey(who.tenant(), s.name()), s.withLatest(n));
            tx.put(Registry.revisionKey(who.tenant(), s.name(), n), rev);
            return rev;
        });
        events.append(
                who.tenant(),
                "service.updated",
                created.service(),
                null,
                "revision " + created.number() + " deployed (image " + image.id() + ")");
        reconciler.trigger();
        return created;
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
            Registry.touchTenant(tx, who.tenant());
            tx.put(Registry.serviceKey(who.tenant(), s.name()), s.withTarget(n));
            return r;
        });
        events.append(who.tenant(), "service.updated", rev.service(), null, "rollback to revision " + n);
        reconciler.trigger();
        return Reply.json(202, ServiceViews.revision(rev));
    }

    private Reply delete(Caller who, Map<String, String> p) {
        ServiceRecord gone = registry.write(tx -> {
            ServiceRecord s = inTx(tx, who, p);
            tx.delete(Registry.serviceKey(who.tenant(), s.name()));
            for (RevisionRecord r : tx.range(Registry.revisionsPrefix(who.tenant(), s.name()), RevisionRecord.class)) {
                tx.delete(Registry.revisionKey(who.tenant(), s.name(), r.number()));
            }
            Registry.touchTenant(tx, who.tenant());
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
                .map(ServiceViews::revision)
                .toList());
    }

    private Reply instances(Caller who, Map<String, String> p) {
        ServiceRecord s = existing(who, p);
        List<Shapes.InstanceView> items = new ArrayList<>();
        for (RevisionRecord r : registry.revisions(who.tenant(), s.name())) {
            String key = NodeKeys.key(s.tenant(), s.name(), r.number(), s.generation());
            node.status(key)
                    .ifPresent(st -> st.instances().forEach(i -> items.add(ServiceViews.instance(s, r.number(), i))));
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
}
