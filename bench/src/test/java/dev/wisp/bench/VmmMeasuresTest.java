package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VmmMeasuresTest {
    private static List<String> smaps(String guestPath) {
        return List.of(
                "55d0c0000000-55d0c0400000 rw-p 00000000 00:00 0                          [heap]",
                "Rss:                4096 kB",
                "Pss:                4096 kB",
                "Private_Clean:         0 kB",
                "Private_Dirty:      3968 kB",
                "Anonymous:          3968 kB",
                "7f0000000000-7f0002000000 rw-p 00000000 fd:01 1234                       " + guestPath,
                "Rss:                 840 kB",
                "Pss:                 420 kB",
                "Private_Clean:       800 kB",
                "Private_Dirty:        40 kB",
                "Anonymous:            40 kB",
                "7f1000000000-7f1000200000 rwxp 00000000 00:00 0",
                "Rss:                2044 kB",
                "Private_Clean:         0 kB",
                "Private_Dirty:      2044 kB");
    }

    @Test
    void jailedVmm_guestMemoryIsTheMemFileInItsRoot() {
        VmmMeasures.GuestMapping m = VmmMeasures.GuestMapping.parse(smaps("/mem"));

        assertThat(m.rss()).isEqualTo(840 * 1024L);
        assertThat(m.pss()).isEqualTo(420 * 1024L);
        assertThat(m.anonymous()).isEqualTo(40 * 1024L);
        assertThat(m.ownPrivate()).isEqualTo((3968 + 2044) * 1024L);
    }

    @Test
    void unjailedVmm_guestMemoryIsItsMemoryBinFile() {
        VmmMeasures.GuestMapping m = VmmMeasures.GuestMapping.parse(smaps("/root/.wisp/state/x/memory.bin"));

        assertThat(m.rss()).isEqualTo(840 * 1024L);
        assertThat(m.ownPrivate()).isEqualTo((3968 + 2044) * 1024L);
    }

    @Test
    void otherFiles_countAsQemusOwn() {
        VmmMeasures.GuestMapping m = VmmMeasures.GuestMapping.parse(smaps("/usr/lib/x86_64-linux-gnu/libmemory.so"));

        assertThat(m.rss()).isZero();
        assertThat(m.ownPrivate()).isEqualTo((3968 + 840 + 2044) * 1024L);
    }
}
