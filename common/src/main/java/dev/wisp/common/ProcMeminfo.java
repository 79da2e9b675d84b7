package dev.wisp.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/** Fields of the kernel's {@code /proc/meminfo} ("MemTotal:  16318268 kB"), in MiB. */
public final class ProcMeminfo {
    /** Where the running kernel publishes it. */
    public static final Path HOST = Path.of("/proc/meminfo");

    private ProcMeminfo() {}

    /**
     * One field of meminfo text in MiB, e.g. {@code field(text, "MemAvailable")}; empty if the
     * field is not there. A value without a unit is taken as bytes.
     *
     * @throws NumberFormatException if the field's value is not a number
     */
    public static OptionalLong fieldMiB(String meminfo, String field) {
        String key = field + ":";
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(key)) {
                String[] f = line.substring(key.length()).trim().split("\\s+");
                long value = Long.parseLong(f[0]);
                String unit = f.length > 1 ? f[1].toLowerCase(Locale.ROOT) : "b";
                return OptionalLong.of(
                        switch (unit) {
                            case "kb" -> value / 1024;
                            case "mb" -> value;
                            default -> value / (1024 * 1024);
                        });
            }
        }
        return OptionalLong.empty();
    }

    /** One field of the meminfo file at {@code file} in MiB; empty if the field is not there. */
    public static OptionalLong readMiB(Path file, String field) throws IOException {
        return fieldMiB(Files.readString(file), field);
    }
}
