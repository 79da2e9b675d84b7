package dev.wisp.runtime.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Tests: the VM network namespaces of this JVM's platform ({@code wisp-<pid>-<slot>}). */
public final class OwnNamespaces {
    private OwnNamespaces() {}

    /** Their names, now. */
    public static List<String> list() {
        String prefix = "wisp-" + ProcessHandle.current().pid() + "-";
        try {
            return NetCommands.run(List.of("ip", "netns", "list"), "")
                    .lines()
                    .map(l -> l.split(" ")[0])
                    .filter(l -> l.startsWith(prefix))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
