package dev.wisp.control;

import dev.wisp.common.DurationText;
import java.time.Duration;

/** Durations as the API writes them ({@link DurationText}): {@code 250ms}, {@code 60s}, {@code 5m}, {@code 24h}. */
final class Durations {
    private Durations() {}

    static Duration parse(String field, String text) {
        return DurationText.parse(text)
                .orElseThrow(() -> ApiException.badRequest(
                        field + " must be a duration like 250ms, 60s, 5m or 24h, was '" + Names.shorten(text) + "'"));
    }

    static String format(Duration d) {
        return DurationText.format(d);
    }
}
