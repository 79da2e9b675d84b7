package dev.wisp.cli;

import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.WispClient;

/**
 * Applies a {@link AppFile} through {@code PUT /v1/services/{name}}: {@code wisp apply}, and
 * {@code wisp deploy NAME} with no image or folder. The image is built or pulled here
 * (content-addressed, so the same app is the same id); the control plane decides whether anything
 * changed. Prints like a deploy, or "unchanged".
 */
final class AppApply {
    private AppApply() {}

    /** Applies {@code app}, named {@code name} if the file has no name (or the same one). */
    static int apply(RevisionCommand cmd, OciPullOptions registry, AppFile app, String name)
            throws InterruptedException {
        String n = app.name() != null ? app.name() : name;
        if (n == null) {
            throw new IllegalArgumentException(app.file() + ": give the service a name (name = \"...\")");
        }
        if (name != null && app.name() != null && !name.equals(app.name())) {
            throw new IllegalArgumentException(
                    app.file() + " names the service '" + app.name() + "', not '" + name + "'");
        }
        WispClient wisp = cmd.api.client();
        String imageId = app.source().apiImageId(wisp, registry, line -> cmd.log("%s", line));
        Service desired = Service.builder(n, imageId)
                .env(app.env())
                .resources(app.resources())
                .port(app.source().port())
                .scaling(app.scaling())
                .standby(app.standby())
                .access(app.access())
                .secrets(app.secrets())
                .egress(app.egress())
                .volumes(app.volumes())
                .build();
        Service old = existing(wisp, n);
        Integer before = old == null ? null : old.latestRevision();
        Service applied = wisp.applyService(n, desired);
        if (before != null && before.equals(applied.latestRevision())) {
            boolean settings = !java.util.Objects.equals(old.scaling(), applied.scaling())
                    || !java.util.Objects.equals(old.standby(), applied.standby())
                    || !java.util.Objects.equals(old.access(), applied.access());
            cmd.log(
                    settings ? "%s: settings updated, no new revision (revision %d)" : "%s: unchanged (revision %d)",
                    n,
                    before);
            Revision current = wisp.revisions(n).stream()
                    .filter(r -> r.number() == before.intValue())
                    .findFirst()
                    .orElseThrow();
            return cmd.settleAndPrint(wisp, n, current, r -> text(wisp, n, r));
        }
        cmd.log(
                before == null ? "created service %s (revision %d)" : "deploying revision %2$d of %1$s",
                n,
                applied.latestRevision());
        Revision rev = wisp.revisions(n).stream()
                .filter(r -> r.number() == applied.latestRevision().intValue())
                .findFirst()
                .orElseThrow();
        return cmd.settleAndPrint(wisp, n, rev, r -> text(wisp, n, r));
    }

    private static Service existing(WispClient wisp, String name) {
        try {
            return wisp.service(name);
        } catch (dev.wisp.sdk.WispApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String text(WispClient wisp, String name, Revision r) {
        String url = wisp.service(name).url();
        return String.format("%s: revision %d %s%s", name, r.number(), r.state(), url == null ? "" : "  " + url);
    }
}
