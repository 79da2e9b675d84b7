package dev.wisp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String SCRAPE = """
            # HELP wisp_wakes_total Wakes by path
            # TYPE wisp_wakes_total counter
            wisp_wakes_total{path="clone_template",service="web"} 3.0
            wisp_wakes_total{path="clone_template",service="web-2"} 7.0
            wisp_vmm_resident_bytes{instance="web-1",service="web"} 1.2345678E7
            wisp_up 1
            """;

    @Test
    void value_ofOneExactSeries() {
        assertThat(PrometheusText.value(SCRAPE, "wisp_wakes_total", "path=\"clone_template\",service=\"web\""))
                .isEqualTo(3.0);
        assertThat(PrometheusText.value(SCRAPE, "wisp_wakes_total", "path=\"clone_template\",service=\"web-2\""))
                .isEqualTo(7.0);
        assertThat(PrometheusText.value(SCRAPE, "wisp_vmm_resident_bytes", "instance=\"web-1\",service=\"web\""))
                .isEqualTo(12_345_678.0);
        assertThat(PrometheusText.value(SCRAPE, "wisp_up", "")).isEqualTo(1.0);
    }

    @Test
    void value_ofASeriesNotThereYet_isZero() {
        assertThat(PrometheusText.value(SCRAPE, "wisp_wakes_total", "path=\"resume_paused\",service=\"web\""))
                .isZero();
        assertThat(PrometheusText.value(SCRAPE, "wisp_wakes", "path=\"clone_template\",service=\"web\""))
                .isZero();
    }
}
