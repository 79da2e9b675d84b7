package dev.wisp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wisp.toml as users write it: the README's example reads as it says; mistakes are named. */
class AppFileTest {
    @TempDir
    Path dir;

    /** The README's wisp.toml, taken from the README itself so the two cannot drift apart. */
    static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```toml\n");
        assertThat(start).as("a ```toml block in README.md").isNotNegative();
        return readme.substring(start + 8, readme.indexOf("```", start + 8));
    }

    @Test
    void readmeExample_readsAsItSays() throws Exception {
        Path file = dir.resolve("wisp.toml");
        Files.writeString(file, readmeExample());
        AppFile app = AppFile.read(file);

        assertThat(app.name()).isEqualTo("hello");
        assertThat(app.source().dir()).isEqualTo(dir.resolve("examples/hello"));
        assertThat(app.source().entrypoint()).isEqualTo("httpd -f -p 8080 -h www");
        assertThat(app.source().port()).isEqualTo(8080);
        assertThat(app.env()).isEqualTo(Map.of("GREETING", "hi"));
        assertThat(app.secrets()).isEqualTo(List.of("DB_PASSWORD"));
        assertThat(app.resources().memoryMiB()).isEqualTo(128);
        assertThat(app.scaling().max()).isEqualTo(5);
        assertThat(app.scaling().target()).isEqualTo(10.0);
        assertThat(app.standby().policy()).isEqualTo("snapshot");
        assertThat(app.standby().pauseAfter()).isEqualTo("1s");
    }

    @Test
    void mistakes_areOneLineNamingFileAndKey() throws Exception {
        Path file = dir.resolve("wisp.toml");
        Files.writeString(file, "name = \"a\"\nimage = \"0123456789abcdef\"\nport = \"80\"\n");
        assertThatThrownBy(() -> AppFile.read(file)).hasMessage(file + ": 'port' must be a whole number");
        Files.writeString(file, "name = \"a\"\n[env]\nsecrets = [\"X\"]\n[build]\ndir = \".\"\n");
        assertThatThrownBy(() -> AppFile.read(file))
                .hasMessage(file + ": env.secrets must be a string, number or boolean");
        Files.writeString(file, "name = \"a\"\nimage = \"x\"\n[build]\ndir = \".\"\n");
        assertThatThrownBy(() -> AppFile.read(file))
                .hasMessage(file + ": give either image = \"...\" or a [build] table with dir");
        Files.writeString(file, "name = [\n");
        assertThatThrownBy(() -> AppFile.read(file)).hasMessageStartingWith(file + ": not valid TOML: ");
        Files.writeString(file, "name = \"a\"\nimage = \"x\"\nvolumes = \"x\"\n");
        assertThatThrownBy(() -> AppFile.read(file)).hasMessageContaining("'volumes' must be an array of tables");
        Files.writeString(file, "mounts = \"x\"\n");
        assertThatThrownBy(() -> AppFile.read(file))
                .hasMessageContaining("'mounts' is not supported: write [[volumes]]");
        Files.writeString(file, "name = \"a\"\nimage = \"x\"\n[[volumes]]\nname = \"data\"\n");
        assertThatThrownBy(() -> AppFile.read(file)).hasMessage(file + ": each [[volumes]] needs name and path");
        Files.writeString(file, "name = \"a\"\nimage = \"x\"\n[[volumes]]\nname = \"data\"\npath = \"/data\"\n");
        assertThat(AppFile.read(file).volumes()).containsExactly(new dev.wisp.sdk.VolumeMount("data", "/data"));
    }

    @Test
    void egress_isReadAsTheServiceEgressPolicy() throws Exception {
        Path file = Files.createTempFile("wisp", ".toml");
        Files.writeString(file, "name = \"a\"\nimage = \"x\"\negress = \"db.example:5432\"\n");
        assertThat(AppFile.read(file).egress()).isEqualTo("db.example:5432");
        Files.delete(file);
    }

    @Test
    void javaRuntime_theExamplesFile_getsTheJavaMemory_andRefusesTooLittleOrMisplacedKeys() throws Exception {
        Path file =
                Files.copy(dev.wisp.testing.JavaServiceExample.source().resolve("wisp.toml"), dir.resolve("wisp.toml"));
        AppFile app = AppFile.read(file);
        assertThat(app.name()).isEqualTo("hello-java");
        assertThat(app.source().runtime()).isEqualTo("java");
        assertThat(app.source().dir()).isEqualTo(dir.resolve("build/hello.jar"));
        assertThat(app.resources().memoryMiB()).isEqualTo(dev.wisp.functions.JavaServiceImages.DEFAULT_MEMORY_MIB);

        int floor = dev.wisp.functions.JavaServiceImages.MIN_MEMORY_MIB;
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put(
                Files.readString(file) + "[resources]\nmemory = " + (floor - 1) + "\n",
                "a Java service needs at least " + floor + " MiB of memory, got " + (floor - 1) + " (default 256)");
        refused.put(
                "name = \"j\"\nruntime = \"java\"\n[build]\ndir = \"app.jar\"\n",
                "runtime and main go in [build], beside dir");
        refused.put(
                "name = \"j\"\n[build]\ndir = \"app.jar\"\nruntime = \"jvm\"\n",
                "runtime must be java (or left out), got 'jvm'");
        refused.put(
                "name = \"j\"\n[build]\ndir = \"app\"\nmain = \"a.B\"\nentrypoint = \"x\"\n",
                "--main goes with --runtime java");
        for (Map.Entry<String, String> r : refused.entrySet()) {
            Files.writeString(file, r.getKey());
            assertThatThrownBy(() -> AppFile.read(file)).hasMessage(file + ": " + r.getValue());
        }
    }
}
