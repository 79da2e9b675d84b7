package dev.wisp.runtime;

import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A platform in a child JVM for the kill -9 test: a template, a running clone, a pooled VMM and a
 * VM still booting, then "PIDS ..." with every VMM's pid; runs until killed.
 */
final class RuntimeChild {
    private RuntimeChild() {}

    public static void main(String[] args) throws Exception {
        Path scratch = Path.of(args[0]);
        VmRuntime rt = VmRuntime.start(
                TestGuests.config().withVmmPool(2).withRunDirectory(scratch.resolve("run")),
                VmTests.kernel().vmlinux());
        VmSpec spec = TestGuests.spec(TestGuests.webApp(scratch));
        Template template = rt.createTemplate("orphan", spec, scratch.resolve("template"));
        rt.cloneFrom(template, "orphan-clone-1");
        rt.prewarm(template.snapshot());
        // Mid-deploy: a boot under way when the platform dies.
        Thread.ofPlatform().daemon().start(() -> rt.boot("orphan-booting", spec));
        Path run = scratch.resolve("run")
                .resolve(Long.toString(ProcessHandle.current().pid()));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline
                && (rt.pool().idleCount() < 1 || !Files.exists(run.resolve("orphan-booting/vmm.pid")))) {
            Thread.sleep(20);
        }
        List<String> pids = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(run)) {
            for (Path d : dirs.toList()) {
                Path pid = d.resolve(VmRuntime.PID_FILE);
                if (Files.exists(pid)) {
                    pids.add(Files.readString(pid).strip());
                }
            }
        }
        System.out.println("PIDS " + String.join(" ", pids));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
