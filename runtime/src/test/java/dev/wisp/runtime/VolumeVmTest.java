package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Persistent volumes on real microVMs: kept across instances, images and standby snapshots; full gives ENOSPC. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class VolumeVmTest {
    @TempDir
    static Path scratch;

    private VmRuntime runtime;
    private Image first;
    private Image second;

    @BeforeAll
    void start() {
        first = app("v1");
        second = app("v2");
        runtime = VmRuntime.start(TestGuests.config(), VmTests.kernel().vmlinux());
    }

    /** The same CGIs in two images (two revisions of an app): the second's page differs. */
    private static Image app(String version) {
        return HttpdApp.in(scratch.resolve(version))
                .page(version + "\n")
                .cgi("write", HttpdApp.CGI_TEXT + "echo \"$QUERY_STRING\" >> /data/notes && echo written\n")
                .cgi("read", HttpdApp.CGI_TEXT + "cat /data/notes\n")
                .cgi("fill", HttpdApp.CGI_TEXT + "dd if=/dev/zero of=/data/big bs=1M count=64 2>&1\n")
                .cgi("hosts", HttpdApp.CGI_TEXT + "grep -c \" $(hostname)$\" /etc/hosts\n")
                .build(HttpdApp.ENTRYPOINT, new ImageStore(WispHome.resolve()));
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static VmSpec spec(Image image, Volume... volumes) {
        return VmSpec.of(
                        new BootSource(
                                VmTests.kernel().vmlinux(),
                                image.initrd(),
                                image.disk(),
                                List.of(),
                                java.util.Map.of(),
                                List.of(),
                                List.of(volumes)),
                        image.port())
                .withResources(1, 128);
    }

    private static Volume volume(String name) {
        Path file = scratch.resolve("volumes/" + name + ".ext4");
        VolumeDisk.create(file, 32L << 20);
        return new Volume(name, file, "/data");
    }

    @Test
    void writtenByOneRevision_readByTheNextAfterAStandbySnapshot() throws Exception {
        Volume data = volume("notes");
        TestGuests.checkThenStop(runtime.boot("vol-a", spec(first, data)), a -> {
            assertThat(TestGuests.get(a.hostPort(), "/cgi-bin/write?one")).isEqualTo("200 written");
            a.snapshot(scratch.resolve("snap-a"));
            a.restore();
            assertThat(TestGuests.get(a.hostPort(), "/cgi-bin/read")).isEqualTo("200 one");
            assertThat(TestGuests.get(a.hostPort(), "/cgi-bin/write?two")).isEqualTo("200 written");
        });
        TestGuests.checkThenStop(runtime.boot("vol-b", spec(second, data)), b -> {
            assertThat(TestGuests.get(b.hostPort(), "/")).isEqualTo("200 v2");
            assertThat(TestGuests.get(b.hostPort(), "/cgi-bin/read")).isEqualTo("200 one\ntwo");
        });
    }

    @Test
    void volumeAttachedToALiveInstance_isRefusedToASecond() throws Exception {
        Volume data = volume("shared");
        TestGuests.checkThenStop(
                runtime.boot("vol-owner", spec(first, data)),
                a -> assertThatThrownBy(() -> runtime.boot("vol-thief", spec(first, data)))
                        .isInstanceOf(VmException.class)
                        .hasMessage("volume shared is attached to instance vol-owner"));
    }

    @Test
    void fullVolume_givesTheAppNoSpaceAndTheGuestKeepsServing() throws Exception {
        TestGuests.checkThenStop(runtime.boot("vol-full", spec(first, volume("small"))), a -> {
            assertThat(TestGuests.get(a.hostPort(), "/cgi-bin/fill")).contains("No space left on device");
            assertThat(TestGuests.get(a.hostPort(), "/")).isEqualTo("200 v1");
        });
    }

    @Test
    void guestHostname_isInItsEtcHosts() throws Exception {
        TestGuests.checkThenStop(
                runtime.boot("vol-hosts", spec(first)),
                a -> assertThat(TestGuests.get(a.hostPort(), "/cgi-bin/hosts")).isEqualTo("200 1"));
    }

    @Test
    void templateWithAVolume_isRefused() {
        assertThatThrownBy(() -> runtime.createTemplate("vol-tpl", spec(first, volume("tpl")), scratch.resolve("tpl")))
                .isInstanceOf(VmException.class)
                .hasMessageContaining("a template cannot have volumes");
    }
}
