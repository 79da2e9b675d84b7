package dev.wisp.runtime.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.runtime.Accelerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcgCacheTest {
    @AfterEach
    void clearProperties() {
        System.clearProperty(TcgCache.TB_SIZE_PROPERTY);
        System.clearProperty(TcgCache.FLUSH_ON_STOP_PROPERTY);
        System.clearProperty(TcgCache.FLUSH_WHEN_SETTLED_PROPERTY);
    }

    @Test
    void incomingVmm_getsTheCap_coldBootNone() {
        assertThat(TcgCache.of(true, false).accelOption(Accelerator.TCG))
                .isEqualTo("tcg,tb-size=" + TcgCache.INCOMING_TB_SIZE_MIB);
        assertThat(TcgCache.of(false, false).accelOption(Accelerator.TCG)).isEqualTo("tcg");
    }

    @Test
    void flushOnStop_onlyWhenAsked_andOnlyOnTheLeanVmm() {
        assertThat(TcgCache.of(false, true).accelOption(Accelerator.TCG)).isEqualTo("tcg");
        System.setProperty(TcgCache.FLUSH_ON_STOP_PROPERTY, "true");
        assertThat(TcgCache.of(false, true).accelOption(Accelerator.TCG)).isEqualTo("tcg,flush-on-stop=on");
        assertThat(TcgCache.of(true, true).accelOption(Accelerator.TCG))
                .isEqualTo("tcg,tb-size=" + TcgCache.INCOMING_TB_SIZE_MIB + ",flush-on-stop=on");
        assertThat(TcgCache.of(false, false).accelOption(Accelerator.TCG)).isEqualTo("tcg");
    }

    @Test
    void flushWhenSettled_onlyWhenAsked_andOnlyOnTheLeanVmm() {
        assertThat(TcgCache.flushWhenSettled(true)).isFalse();
        System.setProperty(TcgCache.FLUSH_WHEN_SETTLED_PROPERTY, "true");
        assertThat(TcgCache.flushWhenSettled(true)).isTrue();
        assertThat(TcgCache.flushWhenSettled(false)).isFalse();
    }

    @Test
    void property_setsTheCapForEveryVmm_zeroMeansQemusDefault() {
        System.setProperty(TcgCache.TB_SIZE_PROPERTY, " 8 ");
        assertThat(TcgCache.of(false, false).accelOption(Accelerator.TCG)).isEqualTo("tcg,tb-size=8");
        System.setProperty(TcgCache.TB_SIZE_PROPERTY, "0");
        assertThat(TcgCache.of(true, false).accelOption(Accelerator.TCG)).isEqualTo("tcg");
    }

    @Test
    void kvm_takesNoTcgOption() {
        System.setProperty(TcgCache.FLUSH_ON_STOP_PROPERTY, "true");
        assertThat(TcgCache.of(true, true).accelOption(Accelerator.KVM)).isEqualTo("kvm");
    }

    @Test
    void tbSizeMib_acceptsMibWithinQemusDefault() {
        assertThat(TcgCache.tbSizeMib(" 8 ")).isEqualTo(8);
        assertThat(TcgCache.tbSizeMib("1024")).isEqualTo(1024);
    }

    @Test
    void tbSizeMib_badValue_isAOneLineError() {
        assertThatThrownBy(() -> TcgCache.tbSizeMib("4M"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wisp.tcg.tbSizeMib must be a number of MiB, got '4M'");
        assertThatThrownBy(() -> TcgCache.tbSizeMib("2048"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wisp.tcg.tbSizeMib must be 0 (QEMU's default) to 1024 MiB, got 2048");
    }
}
