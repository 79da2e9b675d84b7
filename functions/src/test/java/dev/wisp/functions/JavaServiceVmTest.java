package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageStore;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.JavaServiceExample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/java-service in the smallest guest a Java service may have ({@link
 * JavaServiceImages#MIN_MEMORY_MIB}): the JVM starts, the app resolves its own hostname and answers.
 */
class JavaServiceVmTest {
    @RegisterExtension
    static final FnTestbed BED = new FnTestbed();

    @Test
    void exampleJar_startsAndServesAtTheMemoryFloor() throws Exception {
        Path jar = JavaServiceExample.buildInto(BED.scratch().resolve("java-service"));
        Image image = JavaServiceImages.build(
                jar,
                null,
                8080,
                List.of(),
                BED.kernel,
                new ImageStore(WispHome.resolve()),
                WispHome.resolve().resolve("cache"));
        VmSpec spec = new VmSpec(
                new BootSource(BED.kernel.vmlinux(), image.initrd(), image.disk(), List.of()),
                1,
                JavaServiceImages.MIN_MEMORY_MIB,
                8080,
                Duration.ofSeconds(150));
        Instance vm = BED.runtime.boot("jsvc-floor", spec);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + vm.address() + ":" + vm.hostPort() + "/"))
                                    .timeout(Duration.ofSeconds(60))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("hello from Java ").endsWith(" on jsvc-floor\n");
        } finally {
            vm.stop();
        }
    }
}
