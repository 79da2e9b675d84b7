package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelProvisionerTest {
    @TempDir
    Path dir;

    @Test
    void ensure_cachesElfKernelAndVirtioModules() {
        Kernel k = TestHome.kernel();

        assertThat(k.vmlinux()).startsWith(TestHome.home().resolve("kernels").resolve(k.version()));
        assertThat(Elf.problem(k.vmlinux())).isNull();
        for (String m : KernelProvisioner.REQUIRED_MODULES) {
            assertThat(k.module(m)).as(m).isRegularFile();
        }
        assertThat(k.module("overlay")).isRegularFile();
        assertThat(TestHome.home().resolve("kernels"))
                .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
    }

    @Test
    void cachedKernel_isReturnedWithoutProvisioning() {
        Kernel k = TestHome.kernel();
        KernelProvisioner p = new KernelProvisioner(TestHome.home());

        assertThat(p.cached()).contains(k);
        assertThat(p.ensure()).isEqualTo(k);
    }

    @Test
    void emptyHome_hasNoCachedKernel() {
        assertThat(new KernelProvisioner(dir).cached()).isEmpty();
    }

    @Test
    void userKernelThatIsNotElf_isRejected() throws Exception {
        Path bz = Files.write(dir.resolve("bzImage"), new byte[] {'M', 'Z', 0, 0});

        assertThatThrownBy(() -> Kernel.fromUser(bz, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kernel " + bz + ": not an ELF64 file");
    }

    @Test
    void userKernel_findsModulesInItsTree() {
        Kernel cached = TestHome.kernel();

        Kernel user = Kernel.fromUser(cached.vmlinux(), cached.modulesDir());

        assertThat(user.module("virtio-net")).isEqualTo(cached.module("virtio_net"));
        assertThat(user.module("no_such_module")).isNull();
    }

    @Test
    void versions_compareNumerically() {
        assertThat(Versions.compare("6.1.0-9-cloud-amd64", "6.1.0-56-cloud-amd64"))
                .isNegative();
        assertThat(Versions.compare("6.10.0-1", "6.9.0-1")).isPositive();
        assertThat(Versions.compare("6.1.0-56", "6.1.0-56")).isZero();
    }
}
