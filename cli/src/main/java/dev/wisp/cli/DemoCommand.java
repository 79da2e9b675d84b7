package dev.wisp.cli;

import dev.wisp.cli.bench.HttpProbe;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code wisp demo}: the tour a newcomer watches. Builds the hello example into an image, boots
 * it, pauses and resumes it, puts it on snapshot standby and wakes it, then warms a template and
 * starts clones from it, timing every step and asking each VM over HTTP who it is.
 */
@Command(name = "demo", description = "Build the hello example, boot it, pause, snapshot, clone: every step timed.")
final class DemoCommand extends OutputCommand implements Callable<Integer> {
    @Option(names = "--clones", defaultValue = "3", description = "Clones to start from the warm template (default: ${DEFAULT-VALUE}).")
    int clones;

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws Exception {
        if (clones < 1 || clones > 50) {
            throw new IllegalArgumentException("--clones must be 1..50");
        }
        say("Wisp demo: one app, many microVMs, each with its own kernel.");
        Kernel kernel = timed("guest kernel ready (Debian cloud kernel, cached after the first run)", host::kernel);
        Image image = timed("image built from examples/hello (content-addressed, rebuilds are free)",
                () -> ExampleApps.hello(kernel, host.images()));
        say("   image " + image.id() + ", initramfs " + Sizes.human(image.initrdBytes()));
        VmSpec spec = VmSpec.of(HostOptions.bootSource(kernel, image), image.port());
        Path scratch = Files.createTempDirectory(Files.createDirectories(host.home().resolve("tmp")), "demo-");
        try (VmRuntime rt = timed("runtime started", () -> host.startRuntime(kernel))) {
            say("   accelerator: " + rt.accelerator() + " (" + rt.acceleratorReason() + ")");
            Instance vm = timed("cold boot of microVM 'hello-1' until its app listens", () -> rt.boot("hello-1", spec));
            ask(vm);
            timed("pause (vCPUs stopped: no CPU used)", () -> { vm.pause(); return null; });
            timed("resume", () -> { vm.resume(); return null; });
            ask(vm);
            Snapshot standby = timed("snapshot to disk (VMM process ends: no memory used)",
                    () -> vm.snapshot(scratch.resolve("hello-1-standby")));
            say("   standby snapshot on disk: " + Sizes.human(standby.diskBytes()));
            timed("restore from snapshot", () -> { vm.restore(); return null; });
            ask(vm);
            vm.stop();
            Template template = timed("warm template: boot once, snapshot the ready guest",
                    () -> rt.createTemplate("hello", spec, scratch.resolve("hello-template")));
            List<Instance> started = new ArrayList<>();
            for (int n = 1; n <= clones; n++) {
                String id = "hello-clone-" + n;
                started.add(timed("clone '" + id + "' from the template", () -> rt.cloneFrom(template, id)));
                ask(started.getLast());
            }
            say("Each clone has its own id and fresh entropy, from one snapshot. Stopping everything.");
        } finally {
            Directories.deleteTree(scratch);
        }
        say("Done. Next: ./wisp bench startup   (Wisp vs raw QEMU, same host, same run)");
        return 0;
    }

    private void ask(Instance vm) {
        String body = HttpProbe.get(vm.hostPort(), "/cgi-bin/whoami");
        say("   curl http://127.0.0.1:" + vm.hostPort() + "/cgi-bin/whoami -> "
                + (body == null ? "(no answer)" : body.strip()));
    }

    private <T> T timed(String what, Supplier<T> step) {
        long t0 = System.nanoTime();
        T result = step.get();
        say(String.format(Locale.ROOT, "%9.1f ms  %s", (System.nanoTime() - t0) / 1e6, what));
        return result;
    }

    private void say(String line) {
        out().println(line);
        out().flush();
    }
}
