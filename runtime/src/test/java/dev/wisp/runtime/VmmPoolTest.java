package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmmPoolTest {
    @TempDir
    Path dir;

    private VmmPool.Shape shape(GuestMemory memory) {
        BootSource boot = new BootSource(Path.of("/k/vmlinux"), Path.of("/i/initrd.img"), Optional.empty(), List.of());
        return new VmmPool.Shape(new VmSpec(boot, 1, 32, 8080, null), memory);
    }

    @Test
    void templateFileDeleted_backingGone() throws IOException {
        Path template = Files.createFile(dir.resolve("memory.bin"));
        VmmPool.Shape clone = shape(new GuestMemory.PrivateFile(template));
        VmmPool.Shape restore = shape(new GuestMemory.SharedFile(template));
        assertThat(VmmPool.backingGone(clone)).isFalse();
        assertThat(VmmPool.backingGone(restore)).isFalse();

        Files.delete(template);

        assertThat(VmmPool.backingGone(clone)).isTrue();
        assertThat(VmmPool.backingGone(restore)).isTrue();
    }

    @Test
    void anonymousMemory_neverGone() {
        assertThat(VmmPool.backingGone(shape(new GuestMemory.Anonymous()))).isFalse();
    }
}
