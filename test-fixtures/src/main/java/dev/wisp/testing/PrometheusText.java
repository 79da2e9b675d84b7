package dev.wisp.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of Prometheus text exposition, as a scraper would. */
public final class PrometheusText {
    private PrometheusText() {}

    /**
     * The value of the sample {@code series{labels}} (labels exactly as rendered, e.g.
     * {@code path="x",service="y"}; empty for none), or 0 when there is no such sample yet.
     */
    public static double value(String text, String series, String labels) {
        String name = labels.isEmpty() ? series : series + "{" + labels + "}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([-+0-9.eE]+|NaN)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
