package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.oci.ImageConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciRunTest {
    @TempDir
    Path root;

    private static ImageConfig config(List<String> entrypoint, List<String> cmd, List<ImageConfig.Port> ports) {
        return new ImageConfig(entrypoint, cmd, List.of("GREETING=hi"), "www", "", ports, "linux", "amd64", List.of());
    }

    private static final List<ImageConfig.Port> TCP_8080 =
            List.of(new ImageConfig.Port(53, "udp"), new ImageConfig.Port(8080, "tcp"));

    @Test
    void imageConfig_runsEntrypointThenCmd_onItsFirstTcpPort_withPathAndHomeAdded() {
        OciRun r = OciRun.of(
                "r", config(List.of("/bin/httpd", "-f"), List.of("-p", "8080"), TCP_8080), root, null, null, null);
        assertThat(r.argv()).containsExactly("/bin/httpd", "-f", "-p", "8080");
        assertThat(r.port()).isEqualTo(8080);
        assertThat(r.workdir()).isEqualTo("/www");
        // no /etc/passwd in this root: HOME is "/", as Docker sets it for a user the image does not list
        assertThat(r.env()).containsExactly("GREETING=hi", "PATH=" + OciRun.DEFAULT_PATH, "HOME=/");
        assertThat(r.display()).isEqualTo("'/bin/httpd' '-f' '-p' '8080'");
    }

    @Test
    void overrides_entrypointDropsTheImagesCmd_cmdReplacesIt_portWins() {
        ImageConfig c = config(List.of("/bin/httpd"), List.of("-p", "8080"), TCP_8080);
        assertThat(OciRun.of("r", c, root, List.of("/bin/sh", "-c"), null, null).argv())
                .containsExactly("/bin/sh", "-c");
        assertThat(OciRun.of("r", c, root, null, List.of("-v"), 9000))
                .satisfies(r -> assertThat(r.argv()).containsExactly("/bin/httpd", "-v"))
                .satisfies(r -> assertThat(r.port()).isEqualTo(9000));
    }

    @Test
    void noEntrypointNorCmd_asksForEntrypoint_noTcpPort_asksForPort() {
        assertThatThrownBy(() -> OciRun.of("reg/app:1", config(List.of(), List.of(), TCP_8080), root, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reg/app:1 has neither Entrypoint nor Cmd: give the command to run with --entrypoint");
        assertThatThrownBy(() -> OciRun.of(
                        "reg/app:1",
                        config(List.of("/app"), List.of(), List.of(new ImageConfig.Port(53, "udp"))),
                        root,
                        null,
                        null,
                        null))
                .hasMessage("reg/app:1 exposes no TCP port: give the port the app listens on with --port");
    }
}
