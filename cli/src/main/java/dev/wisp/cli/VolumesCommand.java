package dev.wisp.cli;

import dev.wisp.sdk.Volume;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp volumes create|ls|rm}: the tenant's persistent volumes (ext4 disks on the node). A
 * service mounts them with {@code wisp deploy --volume NAME:PATH} or {@code [[volumes]]} in
 * wisp.toml, one per instance: {@code NAME}, {@code NAME-1}, ... (docs/volumes.md).
 */
@Command(
        name = "volumes",
        description = "Manage the tenant's persistent volumes (services mount them with deploy --volume NAME:PATH).",
        subcommands = {VolumesCommand.Create.class, VolumesCommand.Ls.class, VolumesCommand.Rm.class})
final class VolumesCommand {
    private VolumesCommand() {}

    @Command(
            name = "create",
            description = "Create empty volumes of a fixed size. For a service of up to N instances create"
                    + " NAME, NAME-1 ... NAME-(N-1): each instance attaches its own.")
    static final class Create extends TenantApiCommand {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Volume names.")
        List<String> names;

        @Option(
                names = "--size",
                required = true,
                paramLabel = "SIZE",
                description = "Size of each, such as 1G or 512M (16M to 1T; only what is written takes space).")
        String size;

        @Override
        public Integer call() {
            for (String n : names) {
                Volume v = api.client().volumes().create(n, size);
                out().println("created " + v.name() + " (" + Sizes.human(v.sizeBytes() == null ? -1 : v.sizeBytes())
                        + ")");
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List the tenant's volumes: size, and the services that mount them.")
    static final class Ls extends TenantApiCommand {
        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            json.table(
                    out(),
                    api.client().volumes().list(),
                    new Table("NAME", "SIZE", "USED BY", "CREATED"),
                    (t, v) -> t.row(
                            v.name(),
                            Sizes.human(v.sizeBytes() == null ? -1 : v.sizeBytes()),
                            v.usedBy() == null || v.usedBy().isEmpty() ? "-" : String.join(",", v.usedBy()),
                            v.createdAt()));
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove volumes and their data (refused while a service mounts them).")
    static final class Rm extends TenantApiCommand {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Volume names.")
        List<String> names;

        @Override
        public Integer call() {
            for (String n : names) {
                api.client().volumes().delete(n);
                out().println("removed " + n);
            }
            return 0;
        }
    }
}
