package dev.wisp.control;

import dev.wisp.runtime.VmRuntime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts each tenant's quota on the host: the runtime's parent cgroup of the tenant's VMMs gets its
 * vCPUs, memory and instances (VmRuntime#limitTenant), so that together its VMs can never take
 * more of the host than the quota the API checked on paper. Runs at the start of every reconcile
 * pass, before any deploy; the runtime rewrites nothing for a quota that did not change.
 */
final class TenantLimits {
    private static final System.Logger LOG = System.getLogger(TenantLimits.class.getName());

    private final VmRuntime runtime;
    /** The last failure logged per tenant, so a refused value is logged once, not every pass. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    TenantLimits(VmRuntime runtime) {
        this.runtime = runtime;
    }

    void apply(List<TenantRecord> tenants) {
        for (TenantRecord t : tenants) {
            Quota q = t.quota();
            if (q.vcpus() < 1 || q.memoryMiB() < 1 || q.instances() < 1) {
                continue; // a quota of zero admits no VM: there is nothing to limit
            }
            try {
                runtime.limitTenant(t.name(), q.vcpus(), q.memoryMiB(), q.instances());
                failures.remove(t.name());
            } catch (RuntimeException e) {
                // Its VMs still run under their own per-VM limits; say so once.
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (!why.equals(failures.put(t.name(), why))) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "tenant " + t.name() + "'s quota not set on its cgroup: " + why);
                }
            }
        }
    }
}
