package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host tools' failures as one line that names the cause, with the whole output kept for reading. */
class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void loggedCommandFails_errorNamesTheFirstErrorLineAndTheLogHoldsEverything() throws Exception {
        Path log = dir.resolve("tool.log");
        // The tail of the default-jre-headless mmdebstrap run that failed: the cause comes long before the end.
        String script = """
                echo 'Setting up openjdk-17-jre-headless:amd64 (17.0.21.1+2-1~deb12u1) ...'
                echo "update-alternatives: error: error creating symbolic link '/usr/share/man/man1/java.1.gz.dpkg-tmp': No such file or directory" >&2
                echo 'dpkg: error processing package openjdk-17-jre-headless:amd64 (--configure):'
                echo 'E: setup failed: E: apt-get ... install default-jre-headless failed'
                echo 'I: main() received signal PIPE: waiting for setup...' >&2
                exit 1
                """;

        assertThatThrownBy(() -> Commands.runLogged("mmdebstrap", Map.of(), List.of("sh", "-c", script), log))
                .isInstanceOf(ImageBuildException.class)
                .hasMessage("mmdebstrap failed: update-alternatives: error: error creating symbolic link"
                        + " '/usr/share/man/man1/java.1.gz.dpkg-tmp': No such file or directory (full output: " + log
                        + ")");
        assertThat(Files.readString(log))
                .contains("Setting up openjdk-17-jre-headless")
                .contains("received signal PIPE");
    }

    @Test
    void loggedCommandFailsWithoutAnErrorLine_errorIsTheLastLine() {
        Path log = dir.resolve("quiet.log");
        assertThatThrownBy(() -> Commands.runLogged(
                        "tool", Map.of(), List.of("sh", "-c", "echo working; echo 'E: gave up'; exit 3"), log))
                .hasMessage("tool failed: gave up (full output: " + log + ")");
    }

    @Test
    void debianRootCommand_makesTheManFoldersAlternativesLinkInto() {
        List<String> cmd = DebianRoot.command(List.of("default-jre-headless"), dir, dir.resolve("root"));
        assertThat(cmd)
                .contains("--setup-hook=mkdir -p \"$1\"/usr/share/man/man1 \"$1\"/usr/share/man/man2"
                        + " \"$1\"/usr/share/man/man3 \"$1\"/usr/share/man/man4 \"$1\"/usr/share/man/man5"
                        + " \"$1\"/usr/share/man/man6 \"$1\"/usr/share/man/man7 \"$1\"/usr/share/man/man8");
        assertThat(cmd).contains("--dpkgopt=path-exclude=/usr/share/man/*");
    }
}
