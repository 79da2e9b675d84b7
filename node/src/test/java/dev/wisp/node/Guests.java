package dev.wisp.node;

import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelProvisioner;
import dev.wisp.image.WispHome;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A real kernel, a real busybox httpd image with a slow CGI, and a runtime for node tests. */
final class Guests {
    private Guests() {
    }

    static void assumeVmTests() {
        Assumptions.assumeFalse("false".equals(System.getProperty("wisp.vmTests")),
                "real-VM tests disabled with -Dwisp.vmTests=false");
    }

    static Kernel kernel() {
        return new KernelProvisioner(WispHome.resolve()).ensure();
    }

    static VmRuntime runtime() {
        return VmRuntime.start(RuntimeConfig.defaults().withHome(WispHome.resolve())
                .withAccelerator(AcceleratorChoice.AUTO), kernel().vmlinux());
    }

    /** {@code /} is a static page; {@code /cgi-bin/slow} answers after 200 ms with the instance id. */
    static VmSpec webSpec(Path scratch) throws IOException {
        Path app = scratch.resolve("web");
        Files.createDirectories(app.resolve("www/cgi-bin"));
        Files.writeString(app.resolve("www/index.html"), "hello from the node test\n");
        Path slow = app.resolve("www/cgi-bin/slow");
        Files.writeString(slow, "#!/bin/sh\nsleep 0.2\necho 'Content-Type: text/plain'\necho\nhostname\n");
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        Kernel k = kernel();
        Image image = ImageBuilder.fromFolder(app).entrypoint("httpd -f -p 8080 -h www").port(8080)
                .build(k, new ImageStore(WispHome.resolve()));
        return VmSpec.of(new BootSource(k.vmlinux(), image.initrd(), image.disk(), List.of()), 8080);
    }
}
