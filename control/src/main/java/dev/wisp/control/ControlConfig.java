package dev.wisp.control;

import dev.wisp.functions.AddressPolicy;
import dev.wisp.node.CapacityConfig;
import dev.wisp.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a control plane runs.
 *
 * @param dataDirectory     everything durable: {@code state/} (the store), {@code images/}, {@code node/}
 *                          (templates and standby snapshots), {@code admin-token}
 * @param kernel            the guest kernel ({@code vmlinux}) every instance boots
 * @param runtime           the microVM runtime's settings
 * @param apiHost           address the API binds to (default loopback)
 * @param apiPort           API port, 0 picks one (default 7070)
 * @param routerPort        router port, 0 picks one (default 8080)
 * @param stopOnClose       whether {@link ControlPlane#close()} stops every instance and deletes its
 *                          snapshots (true) or leaves them on standby for the next start (false, the default)
 * @param maxBodyBytes      largest JSON request body (default 1 MiB)
 * @param maxImageBytes     largest image upload (default 512 MiB)
 * @param ratePerSecond     API requests per second per token, on average (default 100)
 * @param rateBurst         API requests per token in a burst (default 200)
 * @param reconcileInterval how often the reconciler looks even without a change (default 2 s)
 * @param capacity          the node's memory admission (null: the host's)
 * @param callbackPolicy    addresses function callback URLs may reach (null: public addresses only)
 */
public record ControlConfig(
        Path dataDirectory,
        Path kernel,
        RuntimeConfig runtime,
        String apiHost,
        int apiPort,
        int routerPort,
        boolean stopOnClose,
        int maxBodyBytes,
        long maxImageBytes,
        double ratePerSecond,
        int rateBurst,
        Duration reconcileInterval,
        CapacityConfig capacity,
        AddressPolicy callbackPolicy) {
    public static final int DEFAULT_API_PORT = 7070;
    public static final int DEFAULT_ROUTER_PORT = 8080;
    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    public static final long DEFAULT_MAX_IMAGE = 512L * 1024 * 1024;

    public ControlConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(runtime, "runtime");
        apiHost = apiHost == null ? "127.0.0.1" : apiHost;
        reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(2) : reconcileInterval;
        callbackPolicy = callbackPolicy == null ? AddressPolicy.publicOnly() : callbackPolicy;
        if (apiPort < 0 || apiPort > 65535 || routerPort < 0 || routerPort > 65535) {
            throw new IllegalArgumentException("ports must be in [0, 65535]");
        }
        if (maxBodyBytes < 1024 || maxImageBytes < 1024 || ratePerSecond <= 0 || rateBurst < 1) {
            throw new IllegalArgumentException("limits must be positive (bodies at least 1 KiB)");
        }
        if (reconcileInterval.toMillis() < 100) {
            throw new IllegalArgumentException("reconcileInterval must be at least 100 ms");
        }
    }

    /** Every default: loopback, ports 7070 and 8080, instances left on standby at close. */
    public static ControlConfig of(Path dataDirectory, Path kernel, RuntimeConfig runtime) {
        Copy c = new Copy();
        c.dataDirectory = dataDirectory;
        c.kernel = kernel;
        c.runtime = runtime;
        return c.build();
    }

    public ControlConfig withPorts(int api, int router) {
        return copy(c -> {
            c.apiPort = api;
            c.routerPort = router;
        });
    }

    public ControlConfig withApiHost(String host) {
        return copy(c -> c.apiHost = host);
    }

    public ControlConfig withStopOnClose(boolean stop) {
        return copy(c -> c.stopOnClose = stop);
    }

    public ControlConfig withLimits(int maxBody, long maxImage, double rate, int burst) {
        return copy(c -> {
            c.maxBodyBytes = maxBody;
            c.maxImageBytes = maxImage;
            c.ratePerSecond = rate;
            c.rateBurst = burst;
        });
    }

    public ControlConfig withCapacity(CapacityConfig capacity) {
        return copy(c -> c.capacity = capacity);
    }

    /** Networks function callbacks may reach beyond public addresses, e.g. {@code AddressPolicy.allowing(List.of("10.20.0.0/16"))}. */
    public ControlConfig withCallbackPolicy(AddressPolicy policy) {
        return copy(c -> c.callbackPolicy = policy);
    }

    /** This config with the fields {@code change} sets; every wither goes through here. */
    private ControlConfig copy(Consumer<Copy> change) {
        Copy c = new Copy();
        c.dataDirectory = dataDirectory;
        c.kernel = kernel;
        c.runtime = runtime;
        c.apiHost = apiHost;
        c.apiPort = apiPort;
        c.routerPort = routerPort;
        c.stopOnClose = stopOnClose;
        c.maxBodyBytes = maxBodyBytes;
        c.maxImageBytes = maxImageBytes;
        c.ratePerSecond = ratePerSecond;
        c.rateBurst = rateBurst;
        c.reconcileInterval = reconcileInterval;
        c.capacity = capacity;
        c.callbackPolicy = callbackPolicy;
        change.accept(c);
        return c.build();
    }

    /** The fields of a config being made, starting from the defaults; checked by the record's constructor. */
    private static final class Copy {
        Path dataDirectory;
        Path kernel;
        RuntimeConfig runtime;
        String apiHost = "127.0.0.1";
        int apiPort = DEFAULT_API_PORT;
        int routerPort = DEFAULT_ROUTER_PORT;
        boolean stopOnClose;
        int maxBodyBytes = DEFAULT_MAX_BODY;
        long maxImageBytes = DEFAULT_MAX_IMAGE;
        double ratePerSecond = 100;
        int rateBurst = 200;
        Duration reconcileInterval = Duration.ofSeconds(2);
        CapacityConfig capacity;
        AddressPolicy callbackPolicy;

        ControlConfig build() {
            return new ControlConfig(
                    dataDirectory,
                    kernel,
                    runtime,
                    apiHost,
                    apiPort,
                    routerPort,
                    stopOnClose,
                    maxBodyBytes,
                    maxImageBytes,
                    ratePerSecond,
                    rateBurst,
                    reconcileInterval,
                    capacity,
                    callbackPolicy);
        }
    }
}
