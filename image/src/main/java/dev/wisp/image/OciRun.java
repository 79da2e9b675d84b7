package dev.wisp.image;

import dev.wisp.oci.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How the guest runs an OCI image's app, from its config and the deploy's overrides, as Docker does:
 * the command is Entrypoint + Cmd, where {@code --entrypoint} replaces the Entrypoint and drops the
 * image's Cmd and {@code --cmd} replaces the Cmd; the port is {@code --port} or the image's first
 * exposed TCP port; the environment is the image's Env with {@code PATH} and {@code HOME} added when
 * it lacks them (the deploy's env overrides it in the guest).
 *
 * @param argv    the command, argv[0] looked up on the image's PATH unless it holds a slash
 * @param env     NAME=value
 * @param workdir absolute, in the image
 * @param user    who runs it
 * @param port    the port the app listens on
 */
record OciRun(List<String> argv, List<String> env, String workdir, ImageUser user, int port) {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    OciRun {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
    }

    /**
     * @param entrypoint the deploy's Entrypoint, or null to keep the image's
     * @param cmd        the deploy's Cmd, or null to keep the image's (none when the entrypoint is given)
     * @param port       the deploy's port, or null for the image's
     * @throws IllegalArgumentException for a config Wisp cannot run, with what to give instead
     */
    static OciRun of(
            String ref, ImageConfig config, Path root, List<String> entrypoint, List<String> cmd, Integer port) {
        List<String> argv = new ArrayList<>(entrypoint != null ? entrypoint : config.entrypoint());
        argv.addAll(cmd != null ? cmd : entrypoint != null ? List.of() : config.cmd());
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException(
                    ref + " has neither Entrypoint nor Cmd: give the command to run with --entrypoint");
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(ref + ": a command argument holds a NUL byte");
            }
        }
        int p;
        if (port != null) {
            p = port;
        } else {
            p = config.exposedPorts().stream()
                    .filter(x -> x.protocol().equals("tcp"))
                    .mapToInt(ImageConfig.Port::port)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            ref + " exposes no TCP port: give the port the app listens on with --port"));
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port out of range (1-65535): " + p);
        }
        String workdir = config.workingDir().isEmpty() ? "/" : config.workingDir();
        if (!workdir.startsWith("/")) {
            workdir = "/" + workdir;
        }
        ImageUser user = ImageUser.resolve(config.user(), root);
        List<String> env = new ArrayList<>();
        boolean path = false;
        boolean home = false;
        for (String e : config.env()) {
            int eq = e.indexOf('=');
            if (eq <= 0 || e.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(ref + ": bad Env entry '" + e + "' (want NAME=value)");
            }
            path |= e.startsWith("PATH=");
            home |= e.startsWith("HOME=");
            env.add(e);
        }
        if (!path) {
            env.add("PATH=" + DEFAULT_PATH);
        }
        if (!home) {
            env.add("HOME=" + user.home());
        }
        return new OciRun(argv, env, workdir, user, p);
    }

    /** The command as one line for listings and the image digest (the guest gets {@link #agentArgs()}). */
    String display() {
        return argv.stream().map(a -> GuestFiles.quote(a).replace("\n", "\\n")).collect(Collectors.joining(" "));
    }

    /** Arguments of {@code agent run-oci} after the root: workdir uid gid groups count env... argv... */
    List<String> agentArgs() {
        List<String> a = new ArrayList<>();
        a.add(workdir);
        a.add(String.valueOf(user.uid()));
        a.add(String.valueOf(user.gid()));
        a.add(user.groups().stream().map(String::valueOf).collect(Collectors.joining(",")));
        a.add(String.valueOf(env.size()));
        a.addAll(env);
        a.addAll(argv);
        return a;
    }
}
