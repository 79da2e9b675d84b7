package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.testing.VmTests;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code wisp bench density} at small scale, on real microVMs: every figure, and nothing left behind. */
class DensityCommandTest {
    @Test
    void densityAtSmallScale_printsEveryFigureAndLeavesNoVmmOrFile() throws Exception {
        VmTests.assume();
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(
                "bench",
                "density",
                "--json",
                "--services",
                "5",
                "--running",
                "3",
                "--paused",
                "3",
                "--cpu-window",
                "2");
        assertThat(code).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString());

        assertThat(r.at("/host/cores").asInt()).isPositive();
        assertThat(r.at("/host/memoryMiB").asLong()).isPositive();
        assertThat(r.at("/host/diskFreeMiB").asLong()).isPositive();
        for (String tier : new String[] {"running", "paused"}) {
            JsonNode t = r.get(tier);
            assertThat(t.get("count").asInt()).as(tier).isEqualTo(3);
            assertThat(t.at("/perVm/rss").asDouble()).as(tier + " RSS").isPositive();
            assertThat(t.at("/perVm/pss").asDouble())
                    .as(tier + " PSS")
                    .isPositive()
                    .isLessThanOrEqualTo(t.at("/perVm/rss").asDouble());
            assertThat(t.at("/perVm/vmmOwnRss").asDouble())
                    .as(tier + " QEMU's own RSS")
                    .isPositive();
            assertThat(t.at("/perVm/vmmOwnPrivate").asDouble())
                    .as(tier + " QEMU's own private memory")
                    .isPositive()
                    .isLessThan(t.at("/perVm/vmmOwnRss").asDouble());
            assertThat(t.get("fitByPss").asInt()).as(tier).isPositive();
            assertThat(t.has("cpuCores")).isTrue();
            assertThat(t.get("metricsScrapeBytes").asLong())
                    .as(tier + ": the scrape holds the VMMs' series")
                    .isPositive();
        }
        // /proc counts CPU in clock ticks (10 ms), each VMM's reading off by up to one; an idle guest
        // takes so little (about 0.001 cores, tickless) that over the window both tiers are a tick or
        // two, so a paused VM may show up to one tick per VM more than a running one.
        double oneTickPerVm = 0.01 / r.at("/running/cpuWindowSeconds").asDouble();
        assertThat(r.at("/paused/cpuCoresPerVm").asDouble())
                .as("a paused VM uses no more CPU than an idle running one, within a clock tick")
                .isLessThanOrEqualTo(r.at("/running/cpuCoresPerVm").asDouble() + oneTickPerVm);
        assertThat(r.at("/standby/services").asInt()).isEqualTo(5);
        assertThat(r.at("/standby/diskMiBPerInstance").asDouble())
                .as("a service that never served stands at the shared template: no file of its own")
                .isZero();
        assertThat(r.at("/standby/templateDiskBytes").asLong())
                .as("the one shared template they stand at")
                .isPositive();
        assertThat(r.at("/wakes/answered").asInt()).isEqualTo(5);
        assertThat(r.at("/wakes/failed").asInt()).isZero();
        assertThat(r.at("/wakes/first").asDouble()).isPositive();
        assertThat(r.at("/wakes/last").asDouble()).isPositive();

        assertThat(r.get("vmmsLeft").asInt()).isZero();
        assertThat(r.get("stateDirectoryLeft").asBoolean()).isFalse();
        assertThat(Path.of(r.get("stateDirectory").asText()).getParent())
                .as("the scratch directory")
                .doesNotExist();
        assertThat(Files.exists(Path.of(r.get("stateDirectory").asText()))).isFalse();
        // This JVM's VMMs run under a directory named by its pid; another benchmark on the host has its own.
        String ours = "/" + ProcessHandle.current().pid() + "/dens-";
        assertThat(ProcessHandle.allProcesses().filter(p -> {
                    String line = p.info().commandLine().orElse("");
                    return line.contains("wisp-dens-") && line.contains(ours);
                }))
                .as("no VMM of the benchmark is left")
                .isEmpty();
    }
}
