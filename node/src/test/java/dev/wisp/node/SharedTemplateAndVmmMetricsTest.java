package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Services of one image share one warm template, a service that never served can stand on standby
 * at it, and each VMM's CPU and memory show in /metrics.
 */
@ExtendWith(VmTests.class)
class SharedTemplateAndVmmMetricsTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    @Test
    void twoServicesOfOneImage_shareOneTemplateAndEachVmmIsMetered() throws Exception {
        Path state = BED.scratch().resolve("state");
        StandbyPolicy stayUp = StandbyPolicy.of(StandbyMode.ALWAYS_ON);
        try (Node node = BED.start(state)) {
            node.deploy(ServiceSpec.of("one", BED.web()).withStandby(stayUp));
            node.deploy(ServiceSpec.of("two", BED.web()).withStandby(stayUp));
            await(() -> running(node, "one") && running(node, "two"), Duration.ofSeconds(60));
            assertThat(templateDirs(state)).as("one template for both services").hasSize(1);

            String metrics = node.scrape();
            assertThat(value(metrics, "wisp_vmm_resident_bytes", "one-1")).isGreaterThan(1 << 20);
            assertThat(value(metrics, "wisp_vmm_pss_bytes", "two-1")).isGreaterThan(1 << 20);
            assertThat(value(metrics, "wisp_vmm_cpu_seconds_total", "one-1")).isGreaterThan(0);

            node.remove("one");
            assertThat(node.scrape()).doesNotContain("instance=\"one-1\"");
            assertThat(templateDirs(state)).as("kept while service two uses it").hasSize(1);
            node.remove("two");
            assertThat(templateDirs(state)).as("deleted with its last service").isEmpty();
        }
    }

    @Test
    void snapshotAtOncePolicy_standsOnStandbyAtTheTemplateWithoutAVmOrFilesAndAnswers() throws Exception {
        Path state = BED.scratch().resolve("state-at-template");
        StandbyPolicy sinkAtOnce =
                new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ZERO, Duration.ZERO, Duration.ofHours(24));
        try (Node node = BED.start(state)) {
            node.deploy(ServiceSpec.of("sleeper", BED.web()).withStandby(sinkAtOnce));
            await(
                    () -> node.status("sleeper")
                            .map(s -> s.count("snapshotted") == 1
                                    && !s.instances().get(0).busy())
                            .orElse(false),
                    Duration.ofSeconds(90));
            assertThat(BED.runtime().instances())
                    .as("no VM of its own runs")
                    .noneMatch(i -> i.id().startsWith("sleeper-") && !i.state().isTerminal());
            assertThat(state.resolve("standby").resolve("sleeper"))
                    .as("no snapshot files of its own")
                    .doesNotExist();

            assertThat(NodeProbe.get(node, "sleeper", "/")).startsWith("200");
            assertThat(NodeProbe.wakes(node, "sleeper", "clone_template")).isEqualTo(1);
        }
    }

    private static boolean running(Node node, String service) {
        return node.status(service)
                .map(s -> s.instances().size() == 1
                        && s.instances().get(0).port() > 0
                        && !s.instances().get(0).busy())
                .orElse(false);
    }

    private static java.util.List<Path> templateDirs(Path state) throws IOException {
        Path root = state.resolve("shared-templates");
        if (!Files.isDirectory(root)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.toList();
        }
    }

    private static double value(String metrics, String series, String instance) {
        Matcher m = Pattern.compile("(?m)^" + series + "\\{[^}]*instance=\"" + instance + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertThat(m.find())
                .as(series + " for " + instance + " in:\n" + metrics)
                .isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("condition not met within " + timeout)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
