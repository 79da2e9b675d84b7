package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcMeminfoTest {
    private static final String SAMPLE = """
            MemTotal:       24572084 kB
            MemFree:         1048576 kB
            MemAvailable:   12582912 kB
            HugePages_Total:       0
            """;

    @Test
    void fieldMiB_readsKilobyteFieldsInMiB() {
        assertThat(ProcMeminfo.fieldMiB(SAMPLE, "MemTotal")).hasValue(23996);
        assertThat(ProcMeminfo.fieldMiB(SAMPLE, "MemAvailable")).hasValue(12288);
        assertThat(ProcMeminfo.fieldMiB(SAMPLE, "MemFree")).hasValue(1024);
    }

    @Test
    void fieldMiB_missingFieldIsEmpty_andAPrefixIsNotAMatch() {
        assertThat(ProcMeminfo.fieldMiB(SAMPLE, "SwapTotal")).isEmpty();
        assertThat(ProcMeminfo.fieldMiB(SAMPLE, "Mem")).isEmpty();
    }

    @Test
    void fieldMiB_garbageValueFailsLoudly() {
        assertThatThrownBy(() -> ProcMeminfo.fieldMiB("MemTotal: lots kB\n", "MemTotal"))
                .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void readMiB_theHostsOwnMeminfoHasTotalAboveAvailable() throws IOException {
        long total = ProcMeminfo.readMiB(ProcMeminfo.HOST, "MemTotal").orElseThrow();
        long available = ProcMeminfo.readMiB(ProcMeminfo.HOST, "MemAvailable").orElseThrow();
        assertThat(total).isGreaterThan(256);
        assertThat(available).isPositive().isLessThanOrEqualTo(total);
    }
}
