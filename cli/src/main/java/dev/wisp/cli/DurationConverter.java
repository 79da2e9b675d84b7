package dev.wisp.cli;

import dev.wisp.common.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Durations as people write them ({@link DurationText}): {@code 500ms}, {@code 1s}, {@code 2m}, {@code 24h}.
 * {@link Main#commandLine()} registers it for every {@code Duration} option.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return DurationText.parse(value)
                .orElseThrow(() -> new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration like 500ms, 1s, 2m or 24h"));
    }
}
