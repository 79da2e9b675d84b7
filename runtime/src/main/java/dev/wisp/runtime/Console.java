package dev.wisp.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The VM's serial console as the host sees it: guest output cut into lines, markers to a
 * listener, the last lines kept for errors and logs, and a way to type into the guest. The
 * runtime creates it with its listeners; the {@link Vmm} driver {@linkplain #connect connects}
 * it to the VMM's stdio once the process runs, with the VMM's own error output merged in, so its
 * errors show in the same tail.
 *
 * <p>Bounded whatever the guest does: a line is cut at {@value #MAX_LINE_BYTES} bytes (bytes are
 * read here, never by a reader that grows a line until it sees a newline), and the tail keeps
 * at most {@value #TAIL_LINES} lines and {@value #TAIL_CHARS} characters. Only a whole line from
 * the guest's own writers (init, agent, kernel) can be a marker: the agent tags every line of the
 * app's stdout with {@value #APP_PREFIX} and of its stderr with {@value #ERR_PREFIX} (stripped
 * here, and the line's {@link GuestStream} says which), and the rest of a cut line
 * is never one either.
 *
 * <p><b>Internal: used by the drivers, not an API for other modules.</b>
 */
public final class Console {
    static final int TAIL_LINES = 40;
    static final int TAIL_CHARS = 16 * 1024;
    static final int MAX_LINE_BYTES = 4096;
    static final String APP_PREFIX = "@@app ";
    static final String ERR_PREFIX = "@@err ";

    /** Receives each line with the stream it came from. */
    @FunctionalInterface
    interface Lines {
        void line(GuestStream stream, String text);
    }

    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private int tailChars;
    private volatile OutputStream input;
    private volatile Consumer<ConsoleMarker> markers;
    private volatile Lines lines;

    Console(Consumer<ConsoleMarker> markers, Lines lines) {
        this.markers = markers;
        this.lines = lines;
    }

    /**
     * Starts reading the guest's output (the VMM's stdout, its stderr merged in) until it ends, and
     * types into {@code input} (the VMM's stdin). Called once, by the driver, right after spawning.
     */
    public void connect(InputStream output, OutputStream input) {
        if (this.input != null) {
            throw new IllegalStateException("console already connected");
        }
        this.input = input;
        // A platform thread: a blocking read of a process pipe pins a virtual thread's carrier, and
        // two idle VMMs (the pool's) then held both carriers of a 2-core host, starving every VM
        // operation that runs on virtual threads.
        Thread.ofPlatform().name("vm-console").daemon().stackSize(256 * 1024).start(() -> read(output));
    }

    /** Hands the console to a new owner (a pooled VMM taken by an instance). */
    void attach(Consumer<ConsoleMarker> markers, Lines lines) {
        this.markers = markers;
        this.lines = lines;
    }

    /** Lets go of the owner's listeners: a console outliving its instance holds nothing of it. */
    void detach() {
        attach(m -> {}, (s, l) -> {});
    }

    private void read(InputStream output) {
        byte[] buf = new byte[8192];
        byte[] line = new byte[MAX_LINE_BYTES];
        int len = 0;
        boolean cut = false;
        try (output) {
            for (int n; (n = output.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line, len, cut);
                        len = 0;
                        cut = false;
                    } else if (b != '\r') {
                        if (len == MAX_LINE_BYTES) {
                            emit(line, len, cut);
                            len = 0;
                            cut = true;
                        }
                        line[len++] = b;
                    }
                }
            }
            if (len > 0) {
                emit(line, len, cut);
            }
        } catch (IOException e) {
            // The process ended; its exit is handled by whoever waits on it.
        } finally {
            detach();
        }
    }

    /** One line; {@code continued} when it is the rest of a line cut at the limit. */
    private void emit(byte[] bytes, int len, boolean continued) {
        String raw = new String(bytes, 0, len, StandardCharsets.UTF_8);
        GuestStream stream = continued
                ? GuestStream.KERNEL
                : raw.startsWith(APP_PREFIX)
                        ? GuestStream.STDOUT
                        : raw.startsWith(ERR_PREFIX) ? GuestStream.STDERR : GuestStream.KERNEL;
        boolean app = stream != GuestStream.KERNEL;
        // Both tags have the same length.
        String text = app ? raw.substring(APP_PREFIX.length()) : raw;
        synchronized (tail) {
            tail.addLast(text);
            tailChars += text.length();
            while (tail.size() > TAIL_LINES || tailChars > TAIL_CHARS) {
                tailChars -= tail.removeFirst().length();
            }
        }
        lines.line(stream, text);
        if (!app && !continued) {
            ConsoleMarker.parse(raw).ifPresent(markers);
        }
    }

    void type(String text) throws IOException {
        OutputStream in = input;
        if (in == null) {
            throw new IOException("console not connected to a VMM");
        }
        synchronized (in) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
    }

    /** The last lines the console showed (guest output and the VMM's own errors). */
    public List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** Characters the tail holds now (tests: what a VM's console costs the platform's heap). */
    int retainedChars() {
        synchronized (tail) {
            return tailChars;
        }
    }
}
