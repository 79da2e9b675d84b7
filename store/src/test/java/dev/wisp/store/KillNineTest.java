package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against a real crash: a child JVM writes and reports each acknowledged put; it is
 * killed with SIGKILL mid-stream (no shutdown hooks, no flushing), and every acknowledged write
 * must be in the store when it is opened again.
 */
class KillNineTest {

    private static final int ACKS = 400;

    @TempDir
    Path dir;

    @Test
    void killMinus9WhileWriting_losesNoAcknowledgedWrite() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KillTestWriter.class.getName(),
                        dir.toString(),
                        "4")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<String, Long> acked = new LinkedHashMap<>();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("READY");

            // The child holds the directory: a second process must be turned away clearly.
            assertThatThrownBy(() -> StateStores.embedded(dir))
                    .isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining("another process")
                    .hasMessageContaining("pid " + child.pid());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String line;
            while (acked.size() < ACKS && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                acked.put(parts[1], Long.parseLong(parts[2]));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        assertThat(acked).as("acknowledgements read before the kill").hasSizeGreaterThan(50);

        try (StateStore store = StateStores.embedded(dir)) {
            for (Map.Entry<String, Long> e : acked.entrySet()) {
                KeyValue kv = store.get(e.getKey()).orElse(null);
                assertThat(kv).as("acknowledged key %s", e.getKey()).isNotNull();
                assertThat(kv.value()).isEqualTo(KillTestWriter.value(e.getKey()));
                assertThat(kv.modRevision()).isEqualTo(e.getValue());
            }
            long maxAcked =
                    acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(store.revision()).isGreaterThanOrEqualTo(maxAcked);
            assertThat(store.range("kill/").kvs()).hasSize((int) store.revision()); // no holes, nothing extra
        }
    }
}
