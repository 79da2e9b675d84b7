package dev.wisp.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One short line per log record on stderr; {@code WISP_LOG=debug} shows every state change. */
final class Logging {
    private Logging() {}

    static void configure() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return "[" + r.getLevel().getName().toLowerCase() + "] " + formatMessage(r) + System.lineSeparator();
            }
        });
        Level level = "debug".equalsIgnoreCase(System.getenv("WISP_LOG")) ? Level.FINE : Level.WARNING;
        handler.setLevel(level);
        root.setLevel(level);
        root.addHandler(handler);
    }
}
