package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmmSchedTest {
    @Test
    void read_sumsEveryThreadsCpuAndWait(@TempDir Path tasks) throws IOException {
        Files.createDirectories(tasks.resolve("10"));
        Files.createDirectories(tasks.resolve("11"));
        Files.writeString(tasks.resolve("10/schedstat"), "5000000 1000000 12\n");
        Files.writeString(tasks.resolve("11/schedstat"), "2000000 500000 3\n");

        assertThat(VmmSched.read(tasks)).isEqualTo(new VmmSched.Sample(7_000_000, 1_500_000));
    }

    @Test
    void of_aProcessThatWorked_countsItsCpuTime() {
        long pid = ProcessHandle.current().pid();
        VmmSched.Sample before = VmmSched.of(pid);
        long end = System.nanoTime() + 50_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin++;
        }

        VmmSched.Sample spent = VmmSched.of(pid).minus(before);

        assertThat(spin).isPositive();
        assertThat(spent.onCpuNanos()).isPositive();
        assertThat(spent.waitNanos()).isNotNegative();
    }

    @Test
    void of_aProcessThatIsGone_isZero() {
        assertThat(VmmSched.of(Long.MAX_VALUE)).isEqualTo(new VmmSched.Sample(0, 0));
    }

    @Test
    void medians_perVmmInMilliseconds() {
        List<VmmSched.Sample> raw = List.of(
                new VmmSched.Sample(6_000_000, 1_000_000),
                new VmmSched.Sample(8_000_000, 3_000_000),
                new VmmSched.Sample(7_000_000, 2_000_000));

        VmmSched.Medians m = VmmSched.Medians.of(raw, List.of());

        assertThat(m).isEqualTo(new VmmSched.Medians(7.0, 2.0, 0, 0));
    }
}
