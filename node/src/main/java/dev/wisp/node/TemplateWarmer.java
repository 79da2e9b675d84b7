package dev.wisp.node;

import dev.wisp.runtime.Template;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One service's warm template: booted once (shared with every service of the same VM), so that
 * new instances are clones of it instead of cold boots. Until it {@link #settled() settles}
 * wakes wait for it rather than boot cold beside it.
 */
final class TemplateWarmer {
    private static final System.Logger LOG = System.getLogger(TemplateWarmer.class.getName());

    private final ServiceScope scope;
    private final SharedTemplates shared;
    /** The template taken from {@link #shared}, until it is released there. */
    private final AtomicReference<Template> template = new AtomicReference<>();

    private volatile boolean settled;

    TemplateWarmer(ServiceScope scope, SharedTemplates shared) {
        this.scope = scope;
        this.shared = shared;
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
            template.set(shared.warm(
                    scope.specDigest(), scope.spec().vm(), scope.name(), scope.capacity(), "tpl-" + scope.name()));
            return null;
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    scope.name() + ": no warm template, instances will boot cold: " + e.getMessage());
            return e instanceof CapacityException ? null : e;
        }
    }

    /** The template to clone from, or null (none wanted, none yet, it failed, or it was released). */
    Template template() {
        return template.get();
    }

    boolean settled() {
        return settled;
    }

    /** Gives the template back; with {@code keep} its files stay for the next node. */
    void release(boolean keep) {
        if (template.getAndSet(null) != null) {
            shared.release(scope.specDigest(), keep);
        }
        if (!keep) {
            scope.runtime().deleteSnapshot(scope.templateDirectory());
        }
    }
}
