package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wisp.image.Image;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.SmallDisk;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Warm templates and snapshots on a real full disk (a small tmpfs): the error says the disk is full. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class DiskFullVmTest {
    @TempDir
    static Path scratch;

    private SmallDisk disk;
    private VmRuntime runtime;
    private VmSpec spec;

    @BeforeAll
    void start() throws Exception {
        disk = SmallDisk.mount(scratch.resolve("disk"), 8);
        Image image = TestGuests.webApp(scratch);
        spec = TestGuests.spec(image).withResources(1, 128);
        runtime = VmRuntime.start(TestGuests.config(), VmTests.kernel().vmlinux());
    }

    @AfterAll
    void stop() throws Exception {
        Closeables.closeAll(runtime, disk);
    }

    @Test
    void templateWhoseMemoryFileDoesNotFit_saysTheDiskIsFull() {
        Path dir = scratch.resolve("disk/template");

        VmException e = catchThrowableOfType(VmException.class, () -> runtime.createTemplate("full", spec, dir));

        assertThat(e.getMessage())
                .contains("disk full", dir.resolve(Snapshot.MEMORY_FILE).toString(), "bytes free")
                .doesNotContain("VMM exited during boot");
        assertThat(dir).doesNotExist();
        assertThat(TestGuests.vmmProcessExists("tpl-full")).isFalse();
    }

    @Test
    void snapshotThatDoesNotFit_saysTheDiskIsFullAndLeavesTheInstancePausedAndWhole() {
        Instance vm = runtime.boot("full-snap", spec);
        try {
            Path dir = scratch.resolve("disk/snap");

            VmException e = catchThrowableOfType(VmException.class, () -> vm.snapshot(dir));

            assertThat(e.getMessage()).contains("disk full", dir.toString(), "bytes free");
            assertThat(vm.state()).isEqualTo(InstanceState.PAUSED);
            assertThat(dir).doesNotExist();
            vm.resume();
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200");
        } finally {
            vm.stop();
        }
    }
}
