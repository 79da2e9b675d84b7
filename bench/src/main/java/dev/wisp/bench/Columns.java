package dev.wisp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns of a report's table, each a label and the format of its values ({@code %-14s},
 * {@code %11.1f}). The header is written with the same widths and alignment as the values, so a
 * column's width is stated once.
 */
final class Columns {
    private final List<String> labels = new ArrayList<>();
    private final List<String> formats = new ArrayList<>();

    /** @param labelsAndFormats label, format, label, format, ... */
    Columns(String... labelsAndFormats) {
        if (labelsAndFormats.length % 2 != 0) {
            throw new IllegalArgumentException("columns come as label, format pairs");
        }
        for (int i = 0; i < labelsAndFormats.length; i += 2) {
            labels.add(labelsAndFormats[i]);
            formats.add(labelsAndFormats[i + 1]);
        }
    }

    /** The labels, each as wide and aligned as its column's values. */
    String header() {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            cells.add(String.format(
                    Locale.ROOT, formats.get(i).replaceAll("(%-?\\d*)(\\.\\d+)?[a-z]", "$1s"), labels.get(i)));
        }
        return String.join(" ", cells);
    }

    /** One row: {@code values} in column order. */
    String row(Object... values) {
        if (values.length != formats.size()) {
            throw new IllegalArgumentException(formats.size() + " columns, " + values.length + " values");
        }
        return String.format(Locale.ROOT, String.join(" ", formats), values);
    }
}
