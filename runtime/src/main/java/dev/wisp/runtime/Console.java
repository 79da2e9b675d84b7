package dev.wisp.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The VM's serial console as the host sees it: guest output read line by line (markers go to a
 * listener, the last lines are kept for error messages) and a way to type a command into the
 * guest. QEMU's own stderr is merged in, so its errors show in the same tail.
 */
final class Console {
    static final int TAIL_LINES = 40;

    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final OutputStream input;
    private volatile Consumer<ConsoleMarker> markers;
    private volatile Consumer<String> lines;

    Console(InputStream output, OutputStream input, Consumer<ConsoleMarker> markers, Consumer<String> lines) {
        this.input = input;
        this.markers = markers;
        this.lines = lines;
        // A platform thread: a blocking read of a process pipe pins a virtual thread's carrier, and
        // two idle VMMs (the pool's) then held both carriers of a 2-core host, starving every VM
        // operation that runs on virtual threads.
        Thread.ofPlatform().name("vm-console").daemon().stackSize(256 * 1024).start(() -> read(output));
    }

    /** Hands the console to a new owner (a pooled VMM taken by an instance). */
    void attach(Consumer<ConsoleMarker> markers, Consumer<String> lines) {
        this.markers = markers;
        this.lines = lines;
    }

    private void read(InputStream output) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.replace("\r", "");
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                lines.accept(line);
                ConsoleMarker.parse(line).ifPresent(markers);
            }
        } catch (IOException e) {
            // The process ended; its exit is handled by whoever waits on it.
        }
    }

    void type(String text) throws IOException {
        synchronized (input) {
            input.write(text.getBytes(StandardCharsets.UTF_8));
            input.flush();
        }
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }
}
