package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.common.CCompiler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boots images in real QEMU (TCG) microVMs and checks the guest protocol end to end. */
class VmBootTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path app;

    ImageStore store;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TestHome.vmTests(), "wisp.vmTests=false");
        store = new ImageStore(TestHome.home());
        Files.createDirectories(app.resolve("www/cgi-bin"));
        Files.writeString(app.resolve("www/index.html"), "hello from wisp\n");
        Path cgi = app.resolve("www/cgi-bin/info");
        Files.writeString(
                cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\necho \"$(hostname) $(date +%s)\"\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Image build(ImageBuilder builder) {
        return builder.build(TestHome.kernel(), store);
    }

    private static String get(TestVm vm, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vm.hostPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode())
                .as("GET %s; console:%n%s", path, vm.console())
                .isEqualTo(200);
        return r.body();
    }

    @Test
    void httpdImage_becomesReadyServesFilesAndHandlesRestore() throws Exception {
        Image image = build(ImageBuilder.fromFolder(app).entrypoint("httpd -f -p 8080 -h /app/www"));

        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            String ready = vm.await(l -> l.startsWith("@@wisp ready "), Duration.ofSeconds(60));
            System.out.printf(
                    "httpd image %s (%d bytes): init after %d ms, ready after %d ms (guest %s)%n",
                    image.id(),
                    image.initrdBytes(),
                    vm.millisUntil("@@wisp init"),
                    vm.millisUntil("@@wisp ready"),
                    ready);

            assertThat(vm.console()).containsPattern("(?m)^@@wisp init \\d+$").doesNotContain("@@wisp error");
            assertThat(ready).matches("@@wisp ready \\d+");
            assertThat(get(vm, "/index.html")).isEqualTo("hello from wisp\n");
            assertThat(get(vm, "/cgi-bin/info")).startsWith("test-" + image.id() + " ");

            // A malformed command is refused and changes nothing; the agent keeps listening.
            vm.send("@@wisp restore clone-7 1900000000 00112233445566778899aabbccddeeff");
            vm.await(l -> l.equals("@@wisp error restore seed must be 64 hex digits"), Duration.ofSeconds(10));
            vm.send("@@wisp restore clone-7 1900000000 " + "00112233445566778899aabbccddeeff".repeat(2));
            vm.await(l -> l.equals("@@wisp restored clone-7"), Duration.ofSeconds(10));

            String[] info = get(vm, "/cgi-bin/info").strip().split(" ");
            assertThat(info[0]).isEqualTo("clone-7");
            assertThat(Long.parseLong(info[1])).isBetween(1900000000L, 1900000100L);
        }
    }

    @Test
    void singleStaticBinary_isItsOwnEntrypointAndServes() throws Exception {
        Path server = app.resolve("server");
        Files.write(
                server, new CCompiler(VmBootTest.class, "hello-static.c", List.of("-static", "-Os", "-s")).binary());
        Image image = ImageBuilder.fromFolder(server).build(TestHome.kernel(), store);

        assertThat(image.entrypoint()).isEqualTo("/app/server");
        // The store keeps the first build of these bytes (and its source path) for later runs.
        assertThat(image.source()).endsWith("/server");
        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp ready "), Duration.ofSeconds(60));
            assertThat(get(vm, "/")).isEqualTo("hello from a static binary");
        }
    }

    @Test
    void exitingEntrypoint_reportsExitCodeAndPowersOff() throws Exception {
        Image image = build(ImageBuilder.fromFolder(app).entrypoint("echo bye from app; exit 3"));

        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp exit"), Duration.ofSeconds(60));

            assertThat(vm.waitForExit(Duration.ofSeconds(20))).as(vm.console()).isTrue();
            assertThat(vm.console())
                    .contains("bye from app")
                    .containsPattern("(?m)^@@wisp exit 3$")
                    .doesNotContain("@@wisp ready");
        }
    }

    @Test
    void initsFirstStep_mountsEveryFstabEntryWithItsOptions() throws Exception {
        // The agent mounts /etc/fstab (init's first step); tmpfs's default mode is 1777, so /run's
        // 755 shows that the options reached the filesystem.
        Image image = build(ImageBuilder.fromFolder(app)
                .entrypoint("cut -d' ' -f1-3 /proc/mounts; stat -c 'mode %n %a' /tmp /run; exit 0"));

        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp exit"), Duration.ofSeconds(60));

            assertThat(vm.console())
                    .contains("@@app proc /proc proc")
                    .contains("@@app sysfs /sys sysfs")
                    .contains("@@app devtmpfs /dev devtmpfs")
                    .contains("@@app tmpfs /tmp tmpfs")
                    .contains("@@app tmpfs /run tmpfs")
                    .contains("@@app mode /tmp 1777")
                    .contains("@@app mode /run 755")
                    .containsPattern("(?m)^@@wisp exit 0$")
                    .doesNotContain("@@wisp error");
        }
    }

    @Test
    void diskImage_mountsAppReadOnlyWithWritableOverlay() throws Exception {
        Image image = build(ImageBuilder.fromFolder(app)
                .disk(true)
                .entrypoint("echo written > www/new.txt && httpd -f -p 8080 -h /app/www"));

        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp ready "), Duration.ofSeconds(60));
            System.out.printf(
                    "disk image %s (initrd %d, disk %d bytes): ready after %d ms%n",
                    image.id(), image.initrdBytes(), image.diskBytes(), vm.millisUntil("@@wisp ready"));

            assertThat(get(vm, "/index.html")).isEqualTo("hello from wisp\n");
            assertThat(get(vm, "/new.txt")).isEqualTo("written\n");
            assertThat(vm.console()).doesNotContain("@@wisp error");
        }
    }
}
