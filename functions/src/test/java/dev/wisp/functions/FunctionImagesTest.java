package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionImagesTest {
    @TempDir
    Path dir;

    @Test
    void dynamicBinary_isRefusedWithHowToFixIt() {
        assertThatThrownBy(() -> FunctionImages.requireStaticElf(Path.of("/bin/ls")))
                .hasMessageContaining("dynamically linked")
                .hasMessageContaining("static");
    }

    @Test
    void script_isNotABinary() throws IOException {
        Path script = Files.writeString(dir.resolve("h.sh"), "#!/bin/sh\necho hi\n");
        assertThatThrownBy(() -> FunctionImages.requireStaticElf(script)).hasMessageContaining("not a 64-bit ELF");
    }

    @Test
    void staticBinary_isAccepted() throws Exception {
        Path src = Files.writeString(dir.resolve("h.c"), "int main(void){return 0;}\n");
        Path bin = dir.resolve("h");
        HostTools.run("gcc", List.of("gcc", "-static", "-o", bin.toString(), src.toString()), "no gcc");
        FunctionImages.requireStaticElf(bin);
    }

    @Test
    void javaSource_compilesToAJarNamingItsClass() throws IOException {
        Path src = Files.writeString(dir.resolve("Echo.java"), """
                package demo;
                import dev.wisp.function.*;
                public class Echo implements Function {
                    public Response handle(Request r) { return Response.text(r.bodyText()); }
                }
                """);
        Path jar = dir.resolve("echo.jar");
        assertThat(HandlerJars.compile(src, jar)).isEqualTo("demo.Echo");
        assertThat(FunctionImages.handlerClass(jar, null)).isEqualTo("demo.Echo");
        assertThatThrownBy(() -> FunctionImages.handlerClass(jar, "demo.Missing"))
                .hasMessageContaining("not in");
    }

    @Test
    void javaSourceThatDoesNotCompile_showsTheCompilerMessage() throws IOException {
        Path src = Files.writeString(
                dir.resolve("Bad.java"), "public class Bad implements dev.wisp.function.Function { }\n");
        assertThatThrownBy(() -> HandlerJars.compile(src, dir.resolve("bad.jar")))
                .hasMessageContaining("does not compile")
                .hasMessageContaining("Bad");
    }
}
