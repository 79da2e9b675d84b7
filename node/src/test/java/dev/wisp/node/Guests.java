package dev.wisp.node;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.image.Image;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The node tests' guest: the standard busybox httpd image with a slow CGI, as a VM spec. */
final class Guests {
    /** Scaling that takes an idle service to zero 6 s after its last request, with no grace: for tests of the tiers. */
    static final AutoscalerConfig QUICK_TO_ZERO = AutoscalerConfig.builder()
            .stableWindow(Duration.ofSeconds(6))
            .scaleToZeroGrace(Duration.ZERO)
            .build();

    private Guests() {}

    /**
     * A service of {@code vm} that sinks through the tiers soon: {@link #QUICK_TO_ZERO}, paused after
     * 1 s idle, snapshotted after {@code snapshotAfter}, retired after {@code retireAfter}.
     */
    static ServiceSpec sinking(String name, VmSpec vm, Duration snapshotAfter, Duration retireAfter) {
        return ServiceSpec.of(name, vm)
                .withScaling(QUICK_TO_ZERO)
                .withStandby(
                        new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ofSeconds(1), snapshotAfter, retireAfter));
    }

    /** {@code /} is a static page; {@code /cgi-bin/slow} answers after 200 ms with the instance id. */
    static VmSpec webSpec(Path scratch) {
        Image image = HttpdApp.in(scratch.resolve("web"))
                .page("hello from the node test\n")
                .cgi("slow", "#!/bin/sh\nsleep 0.2\necho 'Content-Type: text/plain'\necho\nhostname\n")
                .build();
        return VmSpec.of(new BootSource(VmTests.kernel().vmlinux(), image.initrd(), image.disk(), List.of()), 8080);
    }
}
