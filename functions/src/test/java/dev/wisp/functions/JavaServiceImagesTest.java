package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.common.FileTrees;
import dev.wisp.testing.JavaServiceExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a Java service's image is built from, and the one-line errors for what it cannot be built from. */
class JavaServiceImagesTest {
    private Path dir;
    private Path jar;

    @BeforeEach
    void buildExample() throws IOException {
        dir = Files.createTempDirectory("wisp-java-service-test-");
        jar = JavaServiceExample.buildInto(dir);
    }

    @AfterEach
    void clean() {
        FileTrees.deleteQuietly(dir);
    }

    @Test
    void runnableJar_givesItsMainClass() throws IOException {
        assertThat(JavaServiceImages.jarMain(jar, null)).isEqualTo(JavaServiceExample.MAIN);
    }

    @Test
    void jarWithoutMainClassAndNoMain_isRefusedNamingTheFix() throws IOException {
        Path plain = JavaServiceExample.plainJar(dir);
        assertThatThrownBy(() -> build(plain, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(plain + " has no Main-Class in its manifest: name the main class"
                        + " (--main CLASS, or main in wisp.toml's [build])");
        assertThat(JavaServiceImages.jarMain(plain, JavaServiceExample.MAIN)).isEqualTo(JavaServiceExample.MAIN);
    }

    @Test
    void missingFile_notAJar_unknownClass_areOneLineErrors() throws IOException {
        Path text = Files.writeString(dir.resolve("app.txt"), "not a jar\n");
        assertThatThrownBy(() -> build(dir.resolve("nope.jar"), null))
                .hasMessage("no jar or folder " + dir.resolve("nope.jar"));
        assertThatThrownBy(() -> build(text, null)).hasMessageStartingWith("not a jar: " + text);
        assertThatThrownBy(() -> build(jar, "example.Nope")).hasMessage("main class example.Nope is not in " + jar);
        assertThatThrownBy(() -> build(jar, "not a class")).hasMessage("not a Java class name: not a class");
    }

    @Test
    void folder_needsItsMainClass_foundAsAClassFileOrInAJar() throws IOException {
        Path classes = dir.resolve("build/classes");
        assertThatThrownBy(() -> build(classes, null))
                .hasMessage("a folder needs its main class: --main CLASS (or main in wisp.toml's [build])");
        assertThat(JavaServiceImages.folderMain(classes, JavaServiceExample.MAIN))
                .isEqualTo(JavaServiceExample.MAIN);
        assertThat(JavaServiceImages.folderMain(dir.resolve("build"), JavaServiceExample.MAIN))
                .isEqualTo(JavaServiceExample.MAIN);
        assertThatThrownBy(() -> build(classes, "example.Nope"))
                .hasMessage("main class example.Nope is in neither " + classes + " nor its jars");
    }

    @Test
    void modules_areWhatJdepsFinds() throws IOException {
        assertThat(JavaServiceImages.modules(dir.resolve("build"))).containsExactly("java.base", "jdk.httpserver");
    }

    /** The checks come before anything is built: no kernel or store is needed to see them. */
    private static void build(Path app, String main) {
        JavaServiceImages.build(app, main, 8080, List.of(), null, null, null);
    }
}
