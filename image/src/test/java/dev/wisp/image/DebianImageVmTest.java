package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian packages installed as Debian installs them (maintainer scripts, alternatives), in real
 * microVMs: the newcomer's cases of issue 12 that failed before.
 */
class DebianImageVmTest {
    /** Runs the default-jre-headless case, whose root is large and slow to make the first time. */
    static final String JRE_PROPERTY = "wisp.debianJreTest";

    @TempDir
    Path app;

    @TempDir
    Path scratch;

    /** The README's line: {@code --entrypoint "nginx -g 'daemon off;'" --with-deb nginx-light --port 80}. */
    @Test
    void nginxLight_defaultSiteAnswersOn80() throws Exception {
        assumeTrue(TestHome.vmTests(), "wisp.vmTests=false");
        Files.writeString(app.resolve("README"), "nginx's own default site serves this app\n");
        Image image = nginx(app);

        assertThat(image.disk())
                .as("a small package set stays in the initramfs")
                .isEmpty();
        assertThat(image.packages())
                .contains("nginx-light", "nginx-common", "libc6")
                .doesNotContain("perl-base", "dpkg");
        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp ready"), Duration.ofSeconds(120));
            HttpResponse<String> r = get(vm, "/");
            assertThat(r.statusCode()).as(vm.console()).isEqualTo(200);
            assertThat(r.body()).contains("Welcome to nginx");
        }
    }

    /**
     * Off by default ({@value #JRE_PROPERTY}=true runs it): a fresh machine spends many minutes making
     * this 300 MB root (mmdebstrap), too many for the suite's budget; a cached root rebuilds in seconds.
     */
    @Test
    void defaultJreHeadless_javaOnPathRunsAJarFromTheDisk() throws Exception {
        assumeTrue(TestHome.vmTests(), "wisp.vmTests=false");
        assumeTrue(Boolean.getBoolean(JRE_PROPERTY), "the JRE root takes minutes to make: -D" + JRE_PROPERTY + "=true");
        writeHelloJar(app.resolve("hello.jar"));
        Image image = ImageBuilder.fromFolder(app)
                .entrypoint("java -version && exec java -Xshare:off -jar /app/hello.jar")
                .withDebs(List.of("default-jre-headless"))
                .build(TestHome.kernel(), new ImageStore(TestHome.home()));

        assertThat(image.disk()).as("a JRE is too big for an initramfs").isPresent();
        assertThat(image.packages()).contains("default-jre-headless", "openjdk-17-jre-headless", "dash");
        try (TestVm vm = TestVm.boot(TestHome.kernel(), image)) {
            vm.await(l -> l.startsWith("@@wisp ready"), Duration.ofSeconds(300));
            // The JVM's first answer under TCG on a loaded host (class loading, interpreter) is slow.
            HttpResponse<String> r = get(vm, "/", Duration.ofSeconds(180));
            assertThat(r.statusCode()).as(vm.console()).isEqualTo(200);
            assertThat(r.body()).startsWith("java 17").contains("/usr/lib/jvm/java-17-openjdk-amd64");
            assertThat(vm.console()).contains("openjdk version \"17");
        }
    }

    @Test
    void changedApp_rebuildsFromTheCachedRoot() throws Exception {
        Files.writeString(app.resolve("index.html"), "one\n");
        nginx(app);
        Path roots = TestHome.home().resolve("debian/roots");
        List<String> before = list(roots);

        Files.writeString(app.resolve("index.html"), "two\n");
        long t0 = System.nanoTime();
        Image second = nginx(app);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        System.out.printf("rebuild after a one-line app change: %d ms (under load)%n", ms);
        assertThat(list(roots)).as("no new package root").isEqualTo(before);
        assertThat(second.packages()).contains("nginx-light");
    }

    @Test
    void pinnedVersion_isTheOneInstalled() throws Exception {
        DebianApt apt = DebPackagesTest.apt();
        String[] versions = apt.versions("tzdata").split(", ");
        String oldest = versions[versions.length - 1];

        DebImage deb = DebImage.prepare(TestHome.home().resolve("debian"), List.of("tzdata=" + oldest));

        assertThat(deb.resolved()).contains("tzdata=" + oldest);
        assertThat(Files.readString(deb.root().resolve("var/lib/dpkg/status")))
                .contains("Package: tzdata\nStatus: install ok installed")
                .containsPattern(
                        "Package: tzdata\\n(?:.+\\n)*?Version: " + java.util.regex.Pattern.quote(oldest) + "\\n");
        assertThat(deb.kept()).contains("tzdata");
    }

    private static Image nginx(Path folder) {
        return ImageBuilder.fromFolder(folder)
                .entrypoint("nginx -g 'daemon off;'")
                .withDebs(List.of("nginx-light"))
                .port(80)
                .build(TestHome.kernel(), new ImageStore(TestHome.home()));
    }

    private static HttpResponse<String> get(TestVm vm, String path) throws IOException, InterruptedException {
        return get(vm, path, Duration.ofSeconds(30));
    }

    /** A GET with this timeout; when it passes, the error carries the guest's console. */
    private static HttpResponse<String> get(TestVm vm, String path, Duration timeout)
            throws IOException, InterruptedException {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vm.hostPort + path))
                                    .timeout(timeout)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new AssertionError("GET " + path + " took over " + timeout + "; console:\n" + vm.console(), e);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A jar for Java 17 whose main class answers on 8080 with its Java version and home. */
    private void writeHelloJar(Path jar) throws IOException {
        Path src = Files.createDirectories(scratch.resolve("src"));
        Path classes = Files.createDirectories(scratch.resolve("classes"));
        Files.writeString(src.resolve("Hello.java"), """
                import com.sun.net.httpserver.HttpServer;
                import java.net.InetSocketAddress;
                import java.nio.charset.StandardCharsets;

                public class Hello {
                    public static void main(String[] args) throws Exception {
                        HttpServer s = HttpServer.create(new InetSocketAddress(8080), 16);
                        s.createContext("/", x -> {
                            byte[] b = ("java " + System.getProperty("java.version") + " at "
                                    + System.getProperty("java.home") + "\\n").getBytes(StandardCharsets.UTF_8);
                            x.sendResponseHeaders(200, b.length);
                            x.getResponseBody().write(b);
                            x.close();
                        });
                        s.start();
                    }
                }
                """);
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "--release",
                        "17",
                        "-d",
                        classes.toString(),
                        src.resolve("Hello.java").toString());
        assertThat(rc).isZero();
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new JarEntry("Hello.class"));
            j.write(Files.readAllBytes(classes.resolve("Hello.class")));
            j.closeEntry();
        }
        FileTrees.delete(src);
    }
}
