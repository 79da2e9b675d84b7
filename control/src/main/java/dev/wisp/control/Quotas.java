package dev.wisp.control;

import java.util.Optional;

/**
 * Quota arithmetic. A service counts by what it may grow to: {@code max} instances of its target
 * revision's size. The node's autoscaler never exceeds {@code max}, so the declared ceilings bound
 * what a tenant can run.
 */
final class Quotas {
    private Quotas() {}

    /**
     * Checks that the tenant's services, with {@code name} changed to ({@code scaling},
     * {@code resources}), and its functions stay within the quota; throws 422 naming the limit otherwise.
     */
    static void check(Tx tx, String tenant, Quota quota, String name, Scaling scaling, Resources resources) {
        long[] used = used(tx, tenant, name);
        exceed("services", used[0] + 1, Registry.MAX_SERVICES);
        exceed("instances", used[1] + scaling.max(), quota.instances());
        exceed("vcpus", used[2] + (long) scaling.max() * resources.vcpus(), quota.vcpus());
        exceed("memoryMiB", used[3] + (long) scaling.max() * resources.memoryMiB(), quota.memoryMiB());
    }

    /**
     * Checks that one more function fits next to the tenant's services and functions. A function
     * counts by what it may grow to, like a service: {@code ceil(reservedConcurrency /
     * instanceConcurrency)} instances of its size.
     */
    static void checkFunction(Tx tx, String tenant, Quota quota, FunctionRecord f) {
        long functions = tx.range(Registry.FUNCTIONS + tenant + "/", FunctionRecord.class)
                        .size()
                + 1;
        exceed("functions", functions, Registry.MAX_SERVICES);
        long[] used = used(tx, tenant, null);
        long max = f.instanceCap();
        exceed("instances", used[1] + max, quota.instances());
        exceed("vcpus", used[2] + max * f.resources().vcpus(), quota.vcpus());
        exceed("memoryMiB", used[3] + max * f.resources().memoryMiB(), quota.memoryMiB());
    }

    /** {services, instances, vcpus, memoryMiB} of the tenant's services other than {@code skip}, and its functions. */
    private static long[] used(Tx tx, String tenant, String skip) {
        long services = 0;
        long instances = 0;
        long vcpus = 0;
        long memory = 0;
        for (ServiceRecord s : tx.range(Registry.SERVICES + tenant + "/", ServiceRecord.class)) {
            if (s.name().equals(skip)) {
                continue;
            }
            services++;
            Resources r =
                    tx.range(Registry.revisionKey(tenant, s.name(), s.targetRevision()), RevisionRecord.class).stream()
                            .findFirst()
                            .map(RevisionRecord::resources)
                            .orElse(Resources.DEFAULT);
            instances += s.scaling().max();
            vcpus += (long) s.scaling().max() * r.vcpus();
            memory += (long) s.scaling().max() * r.memoryMiB();
        }
        for (FunctionRecord f : tx.range(Registry.FUNCTIONS + tenant + "/", FunctionRecord.class)) {
            instances += f.instanceCap();
            vcpus += (long) f.instanceCap() * f.resources().vcpus();
            memory += (long) f.instanceCap() * f.resources().memoryMiB();
        }
        return new long[] {services, instances, vcpus, memory};
    }

    static void checkImages(int images, Quota quota) {
        exceed("images", images, quota.images());
    }

    private static void exceed(String what, long wanted, long limit) {
        if (wanted > limit) {
            throw new ApiException(
                    422,
                    "quota_exceeded",
                    "quota exceeded: " + what + " would be " + wanted + ", the tenant's limit is " + limit
                            + " (services and functions count max instances x size)");
        }
    }

    static Quota quotaOf(Tx tx, String tenant) {
        Optional<TenantRecord> t = tx.get(Registry.tenantKey(tenant), TenantRecord.class);
        return t.orElseThrow(() -> ApiException.notFound("no tenant '" + tenant + "'"))
                .quota();
    }
}
