package dev.wisp.runtime;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One line the guest init or agent prints to tell the host something (see docs/guest-protocol.md):
 * {@code @@wisp <kind> <argument>}, a whole line from its first character.
 */
record ConsoleMarker(Kind kind, String argument) {
    static final String PREFIX = "@@wisp ";
    static final int ENV_HEX_PER_LINE = 2000;

    /** What the guest says. */
    enum Kind {
        INIT,
        ENV,
        READY,
        EXIT,
        RESTORED,
        ERROR
    }

    static Optional<ConsoleMarker> parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = line.substring(PREFIX.length()).strip();
        int space = rest.indexOf(' ');
        String word = space < 0 ? rest : rest.substring(0, space);
        String arg = space < 0 ? "" : rest.substring(space + 1).strip();
        Kind kind = switch (word) {
            case "init" -> Kind.INIT;
            case "env" -> Kind.ENV;
            case "ready" -> Kind.READY;
            case "exit" -> Kind.EXIT;
            case "restored" -> Kind.RESTORED;
            case "error" -> Kind.ERROR;
            default -> null;
        };
        return kind == null ? Optional.empty() : Optional.of(new ConsoleMarker(kind, arg));
    }

    /**
     * The answer to the agent's {@code @@wisp env}: the environment as hex of
     * {@code NAME=value\0...}, in lines of at most {@value #ENV_HEX_PER_LINE} digits (the guest's
     * tty takes lines of up to 4 KiB), then {@code @@wisp env-end}. Hex, so no value can break
     * the line protocol or be taken for a control character by the tty.
     */
    static String envCommands(Map<String, String> env) {
        StringBuilder raw = new StringBuilder();
        new TreeMap<>(env).forEach((k, v) -> raw.append(k).append('=').append(v).append('\0'));
        String hex = HexFormat.of().formatHex(raw.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += ENV_HEX_PER_LINE) {
            out.append(PREFIX)
                    .append("env ")
                    .append(hex, i, Math.min(hex.length(), i + ENV_HEX_PER_LINE))
                    .append('\n');
        }
        return out.append(PREFIX).append("env-end\n").toString();
    }

    /** The command that tells a restored guest who it now is (guest-protocol.md). */
    static String restoreCommand(String instanceId, long unixSeconds, String seedHex) {
        return PREFIX + "restore " + instanceId + " " + unixSeconds + " " + seedHex + "\n";
    }
}
