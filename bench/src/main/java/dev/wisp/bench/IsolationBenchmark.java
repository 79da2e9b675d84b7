package dev.wisp.bench;

import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.net.NetworkConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code wisp bench isolation}: what the walls between tenants cost and hold (issue 15, item 6).
 * A noisy neighbour against a quiet service's p50/p99 ({@link NoisyNeighbour}); clone and restore
 * with the VMM jail against without ({@link JailCost}); and any further {@link Section}s, such as
 * TAP against user networking throughput (NetworkThroughput, supplied by the networking work),
 * run after these on the same runtime and reported under their own names.
 *
 * @param runtime  the host's runtime (jailed as the host is): the noisy neighbour and the sections run on it
 * @param config   its config: the noisy neighbour (on TAP where possible) and the jail comparison
 *                 (a jailed and an unjailed runtime) start runtimes of their own from it
 * @param vmlinux  the guest kernel
 * @param quiet    the quiet service (answers {@code /})
 * @param burner   a guest whose app burns its vCPU and answers {@code /}
 * @param sections further parts, run last
 */
public record IsolationBenchmark(
        VmRuntime runtime,
        RuntimeConfig config,
        Path vmlinux,
        VmSpec quiet,
        VmSpec burner,
        Options options,
        List<Section> sections,
        Path work,
        Consumer<String> progress) {
    /** A further part of the benchmark, measured on the benchmark's runtime. */
    public interface Section {
        /** Its key in the JSON result and its heading in the table, such as {@code network}. */
        String name();

        /** Measures; {@code work} is a scratch folder of its own, removed afterwards. */
        SectionResult run(VmRuntime runtime, Path work, Consumer<String> progress) throws Exception;
    }

    /** A section's figures: serialised to JSON as they are (a record), and shown as {@link #table()}. */
    public interface SectionResult {
        String table();
    }

    /**
     * @param rounds      rounds per side (both parts)
     * @param seconds     seconds of load per noisy-neighbour round
     * @param connections hey's connections against the quiet service
     * @param rate        requests/s per connection
     * @param noisy       run the noisy-neighbour part
     * @param jail        run the jail-cost part
     */
    public record Options(int rounds, int seconds, int connections, int rate, boolean noisy, boolean jail) {
        public Options {
            new NoisyNeighbour.Options(rounds, seconds, connections, rate);
        }
    }

    /** The figures of every part (null: not asked for); {@code sections} by name, in the order they ran. */
    public record Result(
            NoisyNeighbour.Result noisyNeighbour, JailCost.Result jail, Map<String, SectionResult> sections) {}

    public IsolationBenchmark {
        sections = List.copyOf(sections);
    }

    public Result run() throws Exception {
        NoisyNeighbour.Result noisy = options.noisy() ? noisyNeighbour() : null;
        JailCost.Result jail = !options.jail()
                ? null
                : new JailCost(config, vmlinux, quiet, options.rounds(), work.resolve("jail"), progress).run();
        Map<String, SectionResult> more = new LinkedHashMap<>();
        for (Section s : sections) {
            more.put(s.name(), s.run(runtime, work.resolve(s.name()), progress));
        }
        return new Result(noisy, jail, more);
    }

    /**
     * On a runtime of its own with the platform's default networking (TAP where this host allows
     * it), not the benchmark runtime's user networking: its loopback forward's listen backlog of 1
     * would put 1 s SYN retransmits into the quiet service's p99 (docs/networking.md).
     */
    private NoisyNeighbour.Result noisyNeighbour() throws Exception {
        try (VmRuntime rt =
                VmRuntime.start(config.withNetwork(NetworkConfig.AUTO).withVmmPool(0), vmlinux)) {
            progress.accept("noisy neighbour on " + rt.networking());
            return new NoisyNeighbour(
                            rt,
                            quiet,
                            burner,
                            new NoisyNeighbour.Options(
                                    options.rounds(), options.seconds(), options.connections(), options.rate()),
                            progress)
                    .run();
        }
    }

    public static String table(Result r) {
        StringBuilder b = new StringBuilder();
        if (r.noisyNeighbour() != null) {
            b.append(NoisyNeighbour.table(r.noisyNeighbour())).append('\n');
        }
        if (r.jail() != null) {
            b.append(JailCost.table(r.jail()));
        }
        r.sections().forEach((name, s) -> b.append('\n').append(s.table()));
        return b.toString();
    }
}
