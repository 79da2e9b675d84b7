package dev.wisp.control;

/**
 * A service as stored under {@code /services/<tenant>/<name>}: the settings every revision runs
 * with, and which revision should serve.
 *
 * @param targetRevision  the revision that should take the traffic (the latest deploy, or a rollback)
 * @param servingRevision the revision the router sends traffic to now (0: none yet)
 * @param previousRevision the revision that served before, kept on standby for a fast rollback (0: none)
 * @param generation      bumped on every change of settings; part of the node service key
 */
record ServiceRecord(
        String tenant,
        String name,
        Scaling scaling,
        Standby standby,
        String access,
        int latestRevision,
        int targetRevision,
        int servingRevision,
        int previousRevision,
        long generation,
        String createdAt) {

    ServiceRecord withTarget(int target) {
        return withRevisions(latestRevision, target, servingRevision, previousRevision);
    }

    ServiceRecord withLatest(int latest) {
        return withRevisions(latest, latest, servingRevision, previousRevision);
    }

    ServiceRecord withServing(int serving, int previous) {
        return withRevisions(latestRevision, targetRevision, serving, previous);
    }

    private ServiceRecord withRevisions(int latest, int target, int serving, int previous) {
        return new ServiceRecord(
                tenant, name, scaling, standby, access, latest, target, serving, previous, generation, createdAt);
    }

    ServiceRecord withSettings(Scaling s, Standby st, String acc, boolean nodeSpecChanged) {
        return new ServiceRecord(
                tenant,
                name,
                s,
                st,
                acc,
                latestRevision,
                targetRevision,
                servingRevision,
                previousRevision,
                nodeSpecChanged ? generation + 1 : generation,
                createdAt);
    }

    boolean isPrivate() {
        return "private".equals(access);
    }
}
