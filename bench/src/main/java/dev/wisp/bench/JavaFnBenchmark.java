package dev.wisp.bench;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Template;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code wisp bench java-fn}: a Java function's cold start (boot the guest, start the JVM, run the
 * handler's initialisation, first HTTP answer) against a clone of its warm snapshot (load device
 * state, map the template's memory, reseed, run afterRestore, first HTTP answer). Medians.
 */
public final class JavaFnBenchmark extends GuestBenchmark {
    private static final long FIRST_ANSWER_TIMEOUT_S = 300;

    private final int rounds;

    /**
     * @param coldMs  boot call to first 200, per round
     * @param cloneMs clone call to first 200, per round
     * @param speedup cold median / clone median
     */
    public record Result(
            String accelerator,
            int hostCores,
            int rounds,
            int guestMemoryMib,
            double coldMedianMs,
            double cloneMedianMs,
            double speedup,
            List<Double> coldMs,
            List<Double> cloneMs) {}

    /**
     * @param spec     the Java function's guest
     * @param rounds   starts per path, at least 1
     * @param workDir  scratch directory for the warm template
     * @param progress one line per start, for a person watching
     */
    public JavaFnBenchmark(VmRuntime runtime, VmSpec spec, int rounds, Path workDir, Consumer<String> progress) {
        super(runtime, spec, workDir, progress);
        this.rounds = Stats.rounds(rounds);
    }

    /** Cold starts first, then clones of the warm snapshot; medians. */
    public Result run() {
        List<Double> cold = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            long t0 = System.nanoTime();
            Instance vm = runtime.boot("jfn-cold-" + i, spec);
            try {
                cold.add(firstAnswer(vm, t0));
            } finally {
                vm.stop();
            }
            progress("cold JVM start %d/%d: %.1f ms", i, rounds, cold.getLast());
        }
        Template template = runtime.createTemplate("jfn", spec, workDir.resolve("template"));
        runtime.prewarm(template.snapshot());
        List<Double> clones = new ArrayList<>();
        try {
            for (int i = 1; i <= rounds; i++) {
                sleepQuietly(500); // lets the VMM pool refill, as between real wakes
                long t0 = System.nanoTime();
                Instance vm = runtime.cloneFrom(template, "jfn-clone-" + i);
                try {
                    clones.add(firstAnswer(vm, t0));
                } finally {
                    vm.stop();
                }
                progress("clone of the warm JVM %d/%d: %.1f ms", i, rounds, clones.getLast());
            }
        } finally {
            runtime.deleteSnapshot(template.directory());
        }
        double c = Stats.median(cold);
        double k = Stats.median(clones);
        return new Result(
                runtime.accelerator().name().toLowerCase(Locale.ROOT),
                Runtime.getRuntime().availableProcessors(),
                rounds,
                spec.memoryMib(),
                c,
                k,
                c / k,
                cold,
                clones);
    }

    /**
     * One request at a time, as a client would send it, retried only while the connection is
     * refused: a flood of probes would make a JVM under TCG serve them all before the one we time.
     */
    private static double firstAnswer(Instance vm, long t0) {
        byte[] request =
                "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FIRST_ANSWER_TIMEOUT_S);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(vm.address(), vm.hostPort())) {
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(FIRST_ANSWER_TIMEOUT_S));
                s.getOutputStream().write(request);
                byte[] head = s.getInputStream().readNBytes(12);
                last = new String(head, StandardCharsets.US_ASCII);
                if (last.startsWith("HTTP/1.") && last.endsWith(" 200")) {
                    return (System.nanoTime() - t0) / 1e6;
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            sleepQuietly(2);
        }
        throw new IllegalStateException("no 200 from " + vm.id() + " within " + FIRST_ANSWER_TIMEOUT_S + " s: " + last);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The table people read. */
    public static String table(Result r) {
        return String.format(
                Locale.ROOT,
                """
                Java function start, %s, %d host cores, %d MiB guest, medians of %d
                | path | ms |
                | --- | ---: |
                | cold: boot + JVM start + handler init to first answer | %.1f |
                | clone of the warm-JVM snapshot to first answer | %.1f |
                clone is %.1fx faster than a cold JVM start
                """,
                r.accelerator(),
                r.hostCores(),
                r.guestMemoryMib(),
                r.rounds(),
                r.coldMedianMs(),
                r.cloneMedianMs(),
                r.speedup());
    }
}
