package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/metrics.md lists every meter any module registers, so operators can trust the list. */
class MetricsDocTest {
    private static final Pattern METER = Pattern.compile(
            // a Micrometer builder, or a module's own registering helper (the router's counter/gauge/latencyTimer)
            "(?:(?:Counter|Timer|Gauge|FunctionCounter|FunctionTimer|DistributionSummary|LongTaskTimer|TimeGauge"
                    + "|MultiGauge)\\s*\\.\\s*builder|\\b(?:counter|gauge|latencyTimer))\\(\\s*\"(wisp\\.[a-z0-9._]+)\"");

    @Test
    void everyMeterInTheCode_isInTheMetricsDoc() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String doc = Files.readString(root.resolve("docs/metrics.md"));
        Set<String> names = meterNames(root);
        assertThat(names)
                .as("meters found in the sources")
                .contains("wisp.router.requests", "wisp.wakes", "wisp.vmm.cpu", "wisp.store.commit");
        Set<String> missing = new TreeSet<>();
        for (String name : names) {
            // Prometheus spells wisp.router.requests as wisp_router_requests (plus a unit or _total suffix).
            if (!doc.contains("`" + name.replace('.', '_'))) {
                missing.add(name);
            }
        }
        assertThat(missing).as("meters missing from docs/metrics.md").isEmpty();
    }

    private static Set<String> meterNames(Path root) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(
                            p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .toList()) {
                Matcher m = METER.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
