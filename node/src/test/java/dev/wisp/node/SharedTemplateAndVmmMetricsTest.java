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

/** Services of one image share one warm template, and each VMM's CPU and memory show in /metrics. */
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
