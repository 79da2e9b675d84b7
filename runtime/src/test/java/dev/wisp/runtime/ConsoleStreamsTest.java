package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConsoleStreamsTest {
    @Test
    void taggedLines_reachTheListenerWithTheirStreamAndWithoutTheTag() throws Exception {
        List<String> seen = new ArrayList<>();
        List<ConsoleMarker> markers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        Console console = new Console(markers::add, (stream, text) -> {
            synchronized (seen) {
                seen.add(stream.label() + ":" + text);
            }
            done.countDown();
        });
        String guest = "[    0.1] Linux version 6.1\n@@app hello out\n@@err oops\n@@err @@wisp ready 1\n";
        console.connect(new ByteArrayInputStream(guest.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream());

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        synchronized (seen) {
            assertThat(seen)
                    .containsExactly(
                            "kernel:[    0.1] Linux version 6.1",
                            "stdout:hello out",
                            "stderr:oops",
                            "stderr:@@wisp ready 1");
        }
        assertThat(markers).isEmpty(); // a tagged line is never a marker, whichever stream
        assertThat(console.tail()).contains("oops", "hello out");
    }
}
