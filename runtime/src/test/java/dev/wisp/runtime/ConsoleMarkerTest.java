package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleMarkerTest {
    @Test
    void markerLines_parseToKindAndArgument() {
        assertThat(ConsoleMarker.parse("@@wisp ready 1700"))
                .contains(new ConsoleMarker(ConsoleMarker.Kind.READY, "1700"));
        assertThat(ConsoleMarker.parse("@@wisp exit 3")).contains(new ConsoleMarker(ConsoleMarker.Kind.EXIT, "3"));
        assertThat(ConsoleMarker.parse("@@wisp error no eth0 (virtio_net missing?)"))
                .contains(new ConsoleMarker(ConsoleMarker.Kind.ERROR, "no eth0 (virtio_net missing?)"));
    }

    @Test
    void appOutputAndUnknownWords_areNotMarkers() {
        assertThat(ConsoleMarker.parse("GET / HTTP/1.1 200")).isEmpty();
        assertThat(ConsoleMarker.parse("@@wisp dance now")).isEmpty();
        // Only a whole line from its first character: the rest of a cut line or a tagged app line is not one.
        assertThat(ConsoleMarker.parse("xx@@wisp ready 1")).isEmpty();
        assertThat(ConsoleMarker.parse(Console.APP_PREFIX + "@@wisp ready 1")).isEmpty();
    }

    @Test
    void envCommands_areHexLinesTheTtyTakesEndingWithEnvEnd() {
        String big = "v".repeat(3000);
        String cmds = ConsoleMarker.envCommands(java.util.Map.of("B", "two words \"q\"\n", "A", big));
        java.util.List<String> lines = cmds.lines().toList();
        assertThat(lines).last().isEqualTo("@@wisp env-end");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThan(4000));
        String hex = lines.stream()
                .filter(l -> !l.endsWith("env-end"))
                .map(l -> l.substring("@@wisp env ".length()))
                .collect(java.util.stream.Collectors.joining());
        assertThat(new String(java.util.HexFormat.of().parseHex(hex), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("A=" + big + "\0B=two words \"q\"\n\0");
        assertThat(cmds).doesNotContain("two words");
    }

    @Test
    void restoreCommand_isOneLineInTheProtocolsForm() {
        assertThat(ConsoleMarker.restoreCommand("web-2", 1700000000L, "ab".repeat(32)))
                .isEqualTo("@@wisp restore web-2 1700000000 " + "ab".repeat(32) + "\n");
    }
}
