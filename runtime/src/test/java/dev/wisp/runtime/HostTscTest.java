package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostTscTest {
    @Test
    void cpuinfoWithBogomips_givesHalfOfItInKhz() {
        List<String> cpuinfo =
                List.of("processor\t: 0", "cpu MHz\t\t: 2096.037", "bogomips\t: 4192.07", "processor\t: 1");

        assertThat(HostTsc.fromCpuinfo(cpuinfo)).isEqualTo(2_096_035);
    }

    @Test
    void cpuinfoWithoutBogomips_givesTheFallback() {
        assertThat(HostTsc.fromCpuinfo(List.of("processor\t: 0", "cpu MHz\t\t: 2096.037")))
                .isEqualTo(HostTsc.FALLBACK_KHZ);
    }

    @Test
    void bogomipsOutOfRangeOrGarbled_givesTheFallback() {
        assertThat(HostTsc.fromCpuinfo(List.of("bogomips\t: 12.5"))).isEqualTo(HostTsc.FALLBACK_KHZ);
        assertThat(HostTsc.fromCpuinfo(List.of("bogomips\t: fast"))).isEqualTo(HostTsc.FALLBACK_KHZ);
    }

    @Test
    void thisHost_givesARateTheKernelAccepts() {
        assertThat(HostTsc.khz()).isBetween(100_000L, 10_000_000L);
    }
}
