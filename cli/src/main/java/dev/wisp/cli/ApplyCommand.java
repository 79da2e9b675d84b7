package dev.wisp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wisp apply [-f wisp.toml]}: makes the service what its file says. The image is built or
 * pulled (content-addressed: the same app gives the same id), and the control plane compares the
 * rest with the service as it is: a new revision only if the image, env, secrets, resources or
 * port differ; scaling, standby and access change in place. The same file twice changes nothing.
 */
@Command(
        name = "apply",
        description = "Create or update a service from its wisp.toml; no new revision when nothing changed.")
final class ApplyCommand extends RevisionCommand {
    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "The service's file (default: wisp.toml here).")
    Path file = Path.of("wisp.toml");

    @Mixin
    OciPullOptions registry;

    @Override
    public Integer call() throws Exception {
        return AppApply.apply(this, registry, AppFile.read(file), null);
    }
}
