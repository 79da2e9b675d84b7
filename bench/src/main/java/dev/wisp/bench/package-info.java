/**
 * Every Wisp benchmark behind {@code wisp bench}: startup, wake, router, inference, density and
 * java-fn, with their baselines (raw QEMU driven by hand: {@code RawQemu}, {@code RawBaseline};
 * nginx as a reverse proxy: {@code NginxProcess}) and their load and timing clients
 * ({@code HeyLoad}, {@code HttpProbe}, wrk). Figures are medians over rounds; every comparison is
 * a ratio against a baseline measured in the same run, rounds alternating between the two sides
 * so that noise on a shared host hits both alike: absolute numbers from different runs or hosts
 * do not compare.
 * Each benchmark's public class takes its options, runs with {@code run()} and renders its
 * result with {@code table} or {@code summary}; results are records, ready for JSON.
 */
package dev.wisp.bench;
