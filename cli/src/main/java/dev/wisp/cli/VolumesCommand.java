package dev.wisp.cli;

import dev.wisp.sdk.Volume;
import dev.wisp.sdk.WispClient;
import java.util.List;
import picocli.CommandLine.Command;
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
                out().println("created " + v.name() + " (" + Sizes.human(v.sizeBytes()) + ")");
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List the tenant's volumes: size, and the services that mount them.")
    static final class Ls extends ListCommand<Volume> {
        Ls() {
            super(new TenantApiOptions(), "NAME", "SIZE", "USED BY", "CREATED");
        }

        @Override
        List<Volume> items(WispClient wisp) {
            return wisp.volumes().list();
        }

        @Override
        Object[] cells(Volume v) {
            return new Object[] {v.name(), Sizes.human(v.sizeBytes()), Table.joined(v.usedBy()), v.createdAt()};
        }
    }

    @Command(name = "rm", description = "Remove volumes and their data (refused while a service mounts them).")
    static final class Rm extends DeleteCommand {
        Rm() {
            super(
                    new TenantApiOptions(),
                    "removed",
                    (wisp, name) -> wisp.volumes().delete(name));
        }
    }
}
