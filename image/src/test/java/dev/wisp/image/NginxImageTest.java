package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds an image with Debian's nginx unpacked into it and serves a page from a real microVM. */
class NginxImageTest {
    @TempDir
    Path app;

    @Test
    void nginxFromDebianPackages_servesAppFolder() throws Exception {
        assumeTrue(TestHome.vmTests(), "wisp.vmTests=false");
        Files.createDirectories(app.resolve("www"));
        Files.writeString(app.resolve("www/index.html"), "nginx in a wisp\n");
        Files.writeString(app.resolve("nginx.conf"), """
                worker_processes 1;
                error_log stderr;
                events { worker_connections 64; }
                http {
                    access_log off;
                    server {
                        listen 8080;
                        root /app/www;
                    }
                }
                """);
        Image image = ImageBuilder.fromFolder(app)
                .entrypoint("nginx -c /app/nginx.conf -g 'daemon off;'")
                .withDebs(List.of("nginx-light"))
                .build(TestHome.kernel(), new ImageStore(TestHome.home()));

        assertThat(image.packages()).contains("nginx", "nginx-common", "libc6").doesNotContain("debconf", "perl-base");
        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp ready"), Duration.ofSeconds(60));
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vm.hostPort + "/index.html"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            System.out.printf(
                    "nginx image %s: initrd %d bytes, ready after %d ms%n",
                    image.id(), image.initrdBytes(), vm.millisUntil("@@wisp ready"));
            assertThat(response.statusCode()).as(vm.console()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("nginx in a wisp\n");
            assertThat(response.headers().firstValue("server"))
                    .hasValueSatisfying(s -> assertThat(s).startsWith("nginx"));
        }
    }
}
