package dev.wisp.runtime;

import java.util.Optional;

/**
 * One line the guest init prints to tell the host something (see docs/guest-protocol.md):
 * {@code @@wisp <kind> <argument>}.
 */
public record ConsoleMarker(Kind kind, String argument) {
    static final String PREFIX = "@@wisp ";

    /** What the guest says. */
    public enum Kind { INIT, READY, EXIT, RESTORED, ERROR }

    static Optional<ConsoleMarker> parse(String line) {
        int at = line.indexOf(PREFIX);
        if (at < 0) {
            return Optional.empty();
        }
        String rest = line.substring(at + PREFIX.length()).strip();
        int space = rest.indexOf(' ');
        String word = space < 0 ? rest : rest.substring(0, space);
        String arg = space < 0 ? "" : rest.substring(space + 1).strip();
        Kind kind = switch (word) {
            case "init" -> Kind.INIT;
            case "ready" -> Kind.READY;
            case "exit" -> Kind.EXIT;
            case "restored" -> Kind.RESTORED;
            case "error" -> Kind.ERROR;
            default -> null;
        };
        return kind == null ? Optional.empty() : Optional.of(new ConsoleMarker(kind, arg));
    }

    /** The command that tells a restored guest who it now is (guest-protocol.md). */
    static String restoreCommand(String instanceId, long unixSeconds, String seedHex) {
        return PREFIX + "restore " + instanceId + " " + unixSeconds + " " + seedHex + "\n";
    }
}
