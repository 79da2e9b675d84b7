package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs the full router-vs-nginx benchmark (about a minute), only on request:
 * {@code mvn -pl bench -am verify -Dtest=RouterBenchmarkRunner -Dsurefire.failIfNoSpecifiedTests=false -Dwisp.bench=true}.
 */
class RouterBenchmarkRunner {

    @Test
    void benchmark_routerVersusNginx_printsFigures() throws Exception {
        assumeTrue(Boolean.getBoolean("wisp.bench"), "set -Dwisp.bench=true to run the benchmark");
        RouterBenchmark.Result r = new RouterBenchmark(RouterBenchmark.Options.defaults()).run();
        System.out.print(r.summary());
        assertThat(r.router().socketErrors() + r.router().non2xx3xx()).isZero();
        assertThat(r.nginx().socketErrors() + r.nginx().non2xx3xx()).isZero();
    }
}
