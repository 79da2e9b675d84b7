package dev.wisp.cli;

import dev.wisp.sdk.Quota;
import dev.wisp.sdk.Tenant;
import dev.wisp.sdk.WispClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wisp tenants ls|create|rm} (admin token). */
@Command(
        name = "tenants",
        description = "Manage tenants and their quotas (admin token).",
        subcommands = {TenantsCommand.Ls.class, TenantsCommand.Create.class, TenantsCommand.Rm.class})
final class TenantsCommand {

    @Command(name = "ls", description = "List tenants and their quotas.")
    static final class Ls extends ListCommand<Tenant> {
        Ls() {
            super(new ApiOptions(), "NAME", "VCPUS", "MEMORY_MIB", "INSTANCES", "IMAGES");
        }

        @Override
        List<Tenant> items(WispClient wisp) {
            return wisp.tenants();
        }

        @Override
        Object[] cells(Tenant x) {
            Quota q = x.quota() == null ? new Quota(null, null, null, null) : x.quota();
            return new Object[] {x.name(), q.vcpus(), q.memoryMiB(), q.instances(), q.images()};
        }
    }

    @Command(name = "create", description = "Create a tenant with a quota.")
    static final class Create extends AdminApiCommand {
        @Parameters(paramLabel = "NAME", description = "Tenant name: 1-30 of a-z 0-9 -.")
        String name;

        @Option(names = "--vcpus", paramLabel = "N", description = "Most vCPUs its instances may hold.")
        Integer vcpus;

        @Option(
                names = "--memory",
                paramLabel = "MIB",
                description = "Most guest memory its instances may hold, in MiB.")
        Integer memoryMib;

        @Option(names = "--instances", paramLabel = "N", description = "Most instances.")
        Integer instances;

        @Option(names = "--images", paramLabel = "N", description = "Most images.")
        Integer images;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            boolean anyQuota = vcpus != null || memoryMib != null || instances != null || images != null;
            Tenant t = api.client()
                    .createTenant(new Tenant(name, anyQuota ? new Quota(vcpus, memoryMib, instances, images) : null));
            out().println(json.on ? Json.pretty(t) : "created tenant " + t.name());
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete tenants.")
    static final class Rm extends DeleteCommand {
        Rm() {
            super(new ApiOptions(), "deleted tenant", WispClient::deleteTenant);
        }
    }
}
