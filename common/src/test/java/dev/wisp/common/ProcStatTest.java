package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void commandNameWithSpacesAndParentheses_countsUserPlusSystemTicks() {
        String stat = "4242 (qemu (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 37 5 0 0 20 0 3 0 100 0 0";
        assertThat(ProcStat.cpuTicks(stat)).isEqualTo(42);
    }

    @Test
    void ownProcess_hasSomeCpuTime() {
        assertThat(ProcStat.cpuTicks(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void goneProcess_isZero() {
        assertThat(ProcStat.cpuTicks(Long.MAX_VALUE)).isZero();
    }
}
