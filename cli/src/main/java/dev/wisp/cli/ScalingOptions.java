package dev.wisp.cli;

import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Standby;
import picocli.CommandLine.Option;

/**
 * The scaling and standby flags {@code wisp deploy} and {@code wisp scale} share; unset flags
 * leave the service's settings (or the platform's defaults on create) as they are.
 */
final class ScalingOptions {
    @Option(names = "--min", paramLabel = "N", description = "Minimum instances (0 allows scale to zero).")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Maximum instances.")
    Integer max;

    @Option(
            names = "--target",
            paramLabel = "N",
            description = "Concurrent requests per instance the autoscaler plans for (default 10).")
    Double target;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "Most requests one instance gets at once; the rest wait in the router (default 0: no limit).")
    Integer concurrency;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long an instance may take to begin its response before the router answers 504"
                    + " (100ms-15m, default 30s).")
    String timeout;

    @Option(
            names = "--standby",
            paramLabel = "POLICY",
            description = "What an idle instance becomes: pause, snapshot (default) or always-on.")
    String standby;

    boolean anyScaling() {
        return min != null || max != null || target != null || concurrency != null || timeout != null;
    }

    boolean any() {
        return anyScaling() || standby != null;
    }

    /** @throws IllegalArgumentException for a value no service may have, before anything is sent */
    void check() {
        if ((min != null && min < 0) || (max != null && max < 0) || (target != null && target <= 0)) {
            throw new IllegalArgumentException("--min and --max must be >= 0 and --target > 0");
        }
        if (min != null && max != null && max > 0 && min > max) {
            throw new IllegalArgumentException("--min " + min + " is above --max " + max);
        }
        if (concurrency != null && concurrency < 0) {
            throw new IllegalArgumentException("--concurrency must be >= 0 (0: no limit)");
        }
        if (standby != null && !standby.matches("pause|snapshot|always-on")) {
            throw new IllegalArgumentException("--standby must be pause, snapshot or always-on, was '" + standby + "'");
        }
    }

    /** The scaling part of a create or PATCH body; null when no scaling flag was given. */
    Scaling scaling() {
        return anyScaling() ? Scaling.limits(min, max, target).withRequests(concurrency, timeout) : null;
    }

    /** The standby part; null when {@code --standby} was not given. */
    Standby standbyPolicy() {
        return standby == null ? null : new Standby(standby, null, null, null);
    }
}
