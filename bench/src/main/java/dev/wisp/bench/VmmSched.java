package dev.wisp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * What the scheduler says a VMM's threads did over a stretch of time (from each thread's
 * {@code /proc/PID/task/TID/schedstat}): time on a CPU and time runnable but waiting for one.
 * On a shared host a wake's time swings with the load; these two split a gap between two VMMs
 * into work done and waiting for a core, which timing alone cannot.
 */
final class VmmSched {
    private VmmSched() {}

    /** Nanoseconds summed over a process's threads; zero for a process that is gone or unreadable. */
    record Sample(long onCpuNanos, long waitNanos) {
        Sample minus(Sample earlier) {
            return new Sample(onCpuNanos - earlier.onCpuNanos, waitNanos - earlier.waitNanos);
        }
    }

    /**
     * Medians in ms, each VMM's threads from before {@code cont} to the first answer.
     *
     * @param rawOnCpuMs raw QEMU's threads on a CPU
     * @param rawWaitMs raw QEMU's threads runnable, waiting for a CPU
     * @param wispOnCpuMs Wisp's VMM (resumed by the runtime, no router) on a CPU
     * @param wispWaitMs Wisp's VMM waiting for a CPU
     */
    public record Medians(double rawOnCpuMs, double rawWaitMs, double wispOnCpuMs, double wispWaitMs) {
        static Medians of(List<Sample> raw, List<Sample> wisp) {
            return new Medians(
                    ms(raw, Sample::onCpuNanos),
                    ms(raw, Sample::waitNanos),
                    ms(wisp, Sample::onCpuNanos),
                    ms(wisp, Sample::waitNanos));
        }

        private static double ms(List<Sample> samples, ToLongFunction<Sample> nanos) {
            return samples.isEmpty() ? 0 : Stats.round2(Stats.median(samples, s -> nanos.applyAsLong(s) / 1e6));
        }
    }

    /** A resume timed to the first answer, and what the VMM's threads did from it to the answer. */
    record Timed(long nanos, Sample vmm) {}

    /** The resume a {@link #timed} call times. */
    interface Resume {
        void run() throws IOException;
    }

    /**
     * Times {@code resume} of the VMM {@code pid} to the first answer on {@code port}, asked with
     * the one-request client both sides of the resume comparison use ({@link HttpProbe#timedGet}).
     */
    static Timed timed(long pid, int port, Resume resume) throws IOException {
        Sample before = of(pid);
        long t0 = System.nanoTime();
        resume.run();
        long answered = HttpProbe.timedGet(port, "localhost", "/").answeredNanos();
        return new Timed(answered - t0, of(pid).minus(before));
    }

    /** The threads of {@code pid} now. */
    static Sample of(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "task"));
    }

    static Sample read(Path tasks) {
        long cpu = 0;
        long wait = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : threads.toList()) {
                String[] f = readOrEmpty(t.resolve("schedstat")).strip().split("\\s+");
                if (f.length >= 2) {
                    cpu += Long.parseLong(f[0]);
                    wait += Long.parseLong(f[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new Sample(0, 0);
        }
        return new Sample(cpu, wait);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // a thread that ended meanwhile
        }
    }
}
