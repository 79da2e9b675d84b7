package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.testing.Await;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an idle guest costs its host: a clone of a warm template (the density tier's VMs) keeps the
 * TSC as its clock and so idles tickless. Before {@code tsc=reliable}, the clocksource watchdog,
 * checking the TSC against the jiffies clock that lags on a busy host, marked it unstable: the guest
 * fell back to {@code refined-jiffies} and took 250 timer interrupts a second while idle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class IdleGuestVmTest {
    /** A periodic tick is HZ (250) a second; a tickless idle guest takes a few. */
    private static final int MOST_TICKS_PER_SECOND = 50;

    @TempDir
    static Path scratch;

    private VmRuntime runtime;
    private Template template;

    @BeforeAll
    void start() {
        Image image = HttpdApp.in(scratch.resolve("idle"))
                .cgi(
                        "clock",
                        HttpdApp.CGI_TEXT + "cat /sys/devices/system/clocksource/clocksource0/current_clocksource\n")
                .cgi("ticks", HttpdApp.CGI_TEXT + "grep LOC: /proc/interrupts | tr -s ' ' | cut -d' ' -f2\n")
                .build(HttpdApp.ENTRYPOINT, new ImageStore(WispHome.resolve()));
        runtime = VmRuntime.start(TestGuests.config(), VmTests.kernel().vmlinux());
        template = runtime.createTemplate("idle", TestGuests.spec(image), scratch.resolve("template"));
    }

    @AfterAll
    void stop() throws Exception {
        Closeables.closeAll(runtime);
    }

    @Test
    void idleClone_keepsTheTscClockAndTakesNoPeriodicTick() throws Exception {
        TestGuests.checkThenStop(runtime.cloneFrom(template, "idle-1"), vm -> {
            // tsc-early until the kernel's delayed TSC refinement has run, which a template saved
            // early in a busy host's boot leaves to its clones; never a jiffies clock.
            Await.until(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(250),
                    "the clone's clocksource to be tsc",
                    () -> TestGuests.get(vm.hostPort(), "/cgi-bin/clock").equals("200 tsc"));

            long before = ticks(vm);
            long t0 = System.nanoTime();
            Thread.sleep(3000);
            long after = ticks(vm);
            double seconds = (System.nanoTime() - t0) / 1e9;

            // A starved VMM delivers fewer ticks, never more: this bound cannot fail from load.
            assertThat(after - before).isLessThan((long) (MOST_TICKS_PER_SECOND * seconds));
        });
    }

    private static long ticks(Instance vm) {
        String answer = TestGuests.get(vm.hostPort(), "/cgi-bin/ticks");
        assertThat(answer).matches("200 [0-9]+");
        return Long.parseLong(answer.substring(4));
    }
}
