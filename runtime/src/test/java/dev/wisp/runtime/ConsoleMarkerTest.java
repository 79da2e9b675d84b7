package dev.wisp.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleMarkerTest {
    @Test
    void markerLines_parseToKindAndArgument() {
        assertThat(ConsoleMarker.parse("@@wisp ready 1700")).contains(new ConsoleMarker(ConsoleMarker.Kind.READY, "1700"));
        assertThat(ConsoleMarker.parse("@@wisp exit 3")).contains(new ConsoleMarker(ConsoleMarker.Kind.EXIT, "3"));
        assertThat(ConsoleMarker.parse("@@wisp error no eth0 (virtio_net missing?)"))
                .contains(new ConsoleMarker(ConsoleMarker.Kind.ERROR, "no eth0 (virtio_net missing?)"));
    }

    @Test
    void appOutputAndUnknownWords_areNotMarkers() {
        assertThat(ConsoleMarker.parse("GET / HTTP/1.1 200")).isEmpty();
        assertThat(ConsoleMarker.parse("@@wisp dance now")).isEmpty();
    }

    @Test
    void restoreCommand_isOneLineInTheProtocolsForm() {
        assertThat(ConsoleMarker.restoreCommand("web-2", 1700000000L, "ab".repeat(32)))
                .isEqualTo("@@wisp restore web-2 1700000000 " + "ab".repeat(32) + "\n");
    }
}
