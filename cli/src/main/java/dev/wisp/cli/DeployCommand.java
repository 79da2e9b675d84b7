package dev.wisp.cli;

import dev.wisp.sdk.DeployRequest;
import dev.wisp.sdk.Resources;
import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.ServicePatch;
import dev.wisp.sdk.VolumeMount;
import dev.wisp.sdk.WispApiException;
import dev.wisp.sdk.WispClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp deploy NAME (--image ID | --dir FOLDER [--runtime java])}: creates the service, or gives it a new revision.
 * A folder is built into an image here and pushed first. Waits until the revision serves, unless --no-wait.
 */
@Command(
        name = "deploy",
        description = "Deploy a service from an image or a folder: creates it, or adds a new revision.")
final class DeployCommand extends RevisionCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Service name: 1-30 of a-z 0-9 -.")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    static final class Source {
        @Option(
                names = "--image",
                paramLabel = "ID|REF",
                description = "An image on the control plane (wisp image ls), a local build (pushed first), or a"
                        + " container image reference: host[:port]/name:tag, ...@sha256:..., oci:DIR, oci-archive:FILE, docker-archive:FILE (pulled"
                        + " here and pushed).")
        String image;

        @Option(
                names = "--dir",
                paramLabel = "FOLDER|FILE",
                description = "Build this folder (needs --entrypoint) or this one file (a static binary: it is the"
                        + " entrypoint) into an image and push it.")
        Path dir;

        @Option(
                names = {"-f", "--file"},
                paramLabel = "FILE",
                description = "The service's wisp.toml (default with no --image or --dir: ./wisp.toml), as wisp apply.")
        Path file;
    }

    @Option(
            names = "--entrypoint",
            paramLabel = "CMD",
            description = "With --dir: the command that starts the app in /app. With --image REF: replaces the"
                    + " image's Entrypoint (words split on spaces) and drops its Cmd.")
    String entrypoint;

    @Option(
            names = "--cmd",
            paramLabel = "ARG",
            description = "With --image REF: replaces the image's Cmd (repeatable).")
    List<String> cmd = new ArrayList<>();

    @picocli.CommandLine.Mixin
    OciPullOptions registry;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port the app listens on (default: the image's, 8080 for --dir).")
    Integer port;

    @Option(
            names = "--with-deb",
            paramLabel = "PKG",
            description =
                    "With --dir: install a Debian package, NAME or NAME=VERSION (repeatable; docs/debian-packages.md).")
    List<String> debs = new ArrayList<>();

    @Option(
            names = "--runtime",
            paramLabel = "java",
            description = "With --dir: java runs a runnable jar (or a folder of jars and classes with --main) on"
                    + " Wisp's jlink'd JRE; no --entrypoint (docs/java-services.md).")
    String runtime;

    @Option(
            names = "--main",
            paramLabel = "CLASS",
            description = "With --runtime java: the main class (default: the jar's Main-Class).")
    String main;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Environment variable for the app (repeatable).")
    Map<String, String> env;

    @Option(
            names = "--secret",
            paramLabel = "NAME|VAR=NAME",
            description = "A secret of the tenant (wisp secrets set) as env variable NAME or VAR (repeatable).")
    List<String> secrets;

    @picocli.CommandLine.Mixin
    ResourceOptions resources;

    @picocli.CommandLine.Mixin
    ScalingOptions scaling;

    @Option(
            names = "--egress",
            paramLabel = "POLICY",
            description = "Where guests may connect to: none (default), internet, or HOST:PORT[/udp][,...][,dns]"
                    + " (TCP unless /udp; enforced on TAP networking; docs/networking.md).")
    String egress;

    @Option(
            names = "--volume",
            paramLabel = "NAME:PATH",
            description = "Mount a volume in each instance (repeatable): instance 1 gets NAME, instance 2 NAME-1..."
                    + " (make them with wisp volumes create; docs/volumes.md).")
    List<String> volumes;

    @Override
    public Integer call() throws Exception {
        if (source == null || source.file != null) {
            // No image or folder: the service's wisp.toml says everything.
            if (entrypoint != null
                    || !cmd.isEmpty()
                    || port != null
                    || !debs.isEmpty()
                    || runtime != null
                    || main != null
                    || env != null
                    || secrets != null
                    || resources.any()
                    || scaling.any()
                    || egress != null
                    || volumes != null) {
                throw new IllegalArgumentException(
                        "with no --image or --dir, the settings come from wisp.toml: put them there");
            }
            return AppApply.apply(
                    this, registry, AppFile.read(source == null ? Path.of("wisp.toml") : source.file), name);
        }
        if ((!registry.insecure.isEmpty() || registry.caFile != null)
                && (source.image == null || !OciPullOptions.isReference(source.image))) {
            throw new IllegalArgumentException("--insecure-registry and --registry-ca go with --image REF");
        }
        scaling.check();
        AppSource app = new AppSource(source.dir, source.image, entrypoint, cmd, port, debs, runtime, main);
        Resources asked = app.resources(resources.resources());
        WispClient wisp = api.client();
        String imageId = app.apiImageId(wisp, registry, line -> log("%s", line));
        Optional<Service> existing = find(wisp);
        Revision rev;
        if (existing.isEmpty()) {
            Service created = wisp.createService(Service.builder(name, imageId)
                    .env(env)
                    .resources(asked)
                    .port(port)
                    .scaling(scaling.scaling())
                    .standby(scaling.standbyPolicy())
                    .secrets(secrets)
                    .egress(egress)
                    .volumes(mounts())
                    .build());
            rev = new Revision(
                    name,
                    created.latestRevision() == null ? 1 : created.latestRevision(),
                    imageId,
                    created.envNames(),
                    asked,
                    port,
                    null,
                    "warming",
                    null,
                    null,
                    egress,
                    null);
            log("created service %s (revision %d)", name, rev.number());
        } else {
            if (scaling.any()) {
                // Settings, not a revision: applied first, so the new revision starts under them.
                wisp.updateService(name, new ServicePatch(scaling.scaling(), scaling.standbyPolicy(), null));
                log("updated the scaling of %s", name);
            }
            rev = wisp.deploy(name, new DeployRequest(imageId, env, secrets, asked, port, egress, mounts()));
            log("deploying revision %d of %s", rev.number(), name);
        }
        return settleAndPrint(wisp, name, rev, r -> {
            String url = wisp.service(name).url();
            return String.format("%s: revision %d %s%s", name, r.number(), r.state(), url == null ? "" : "  " + url);
        });
    }

    /** {@code --volume NAME:PATH} as mounts; null when none is given (a deploy keeps the last ones). */
    private List<VolumeMount> mounts() {
        if (volumes == null) {
            return null;
        }
        List<VolumeMount> out = new ArrayList<>();
        for (String v : volumes) {
            int colon = v.indexOf(':');
            if (colon <= 0 || colon == v.length() - 1) {
                throw new IllegalArgumentException("--volume takes NAME:PATH, such as data:/data (got '" + v + "')");
            }
            out.add(new VolumeMount(v.substring(0, colon), v.substring(colon + 1)));
        }
        return out;
    }

    private Optional<Service> find(WispClient wisp) {
        try {
            return Optional.of(wisp.service(name));
        } catch (WispApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
