package dev.wisp.node;

import dev.wisp.runtime.Template;

/**
 * One service's warm template: booted once (shared with every service of the same VM), so that
 * new instances are clones of it instead of cold boots. Until it {@link #settled() settles}
 * wakes wait for it rather than boot cold beside it.
 */
final class TemplateWarmer {
    private static final System.Logger LOG = System.getLogger(TemplateWarmer.class.getName());

    private final ServiceScope scope;
    private final SharedTemplates shared;
    private final String specDigest;
    private volatile Template template;
    /** Whether {@link #template} came from {@link #shared} (and must be released there). */
    private volatile boolean fromShared;

    private volatile boolean settled;

    TemplateWarmer(ServiceScope scope, SharedTemplates shared, String specDigest) {
        this.scope = scope;
        this.shared = shared;
        this.specDigest = specDigest;
    }

    /**
     * Warms the template if the service wants one; a failure leaves instances to boot cold.
     *
     * @return why the template's VM could not start (the app's fault, counted as a failed start),
     *     or null: warmed, not wanted, or not started for want of memory
     */
    RuntimeException warm() {
        try {
            return scope.spec().warmTemplate() ? build() : null;
        } finally {
            settled = true;
        }
    }

    private RuntimeException build() {
        try {
            scope.runtime().deleteSnapshot(scope.templateDirectory());
            // Services of the same VM share one template: one boot, one memory file, small snapshots.
            template =
                    shared.warm(specDigest, scope.spec().vm(), scope.name(), scope.capacity(), "tpl-" + scope.name());
            fromShared = true;
            return null;
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    scope.name() + ": no warm template, instances will boot cold: " + e.getMessage());
            return e instanceof CapacityException ? null : e;
        }
    }

    /** The template to clone from, or null (none wanted, none yet, or it failed). */
    Template template() {
        return template;
    }

    boolean settled() {
        return settled;
    }

    /** Gives the template back; with {@code keep} its files stay for the next node. */
    void release(boolean keep) {
        if (fromShared) {
            fromShared = false;
            shared.release(specDigest, keep);
        }
        if (!keep) {
            scope.runtime().deleteSnapshot(scope.templateDirectory());
        }
    }
}
