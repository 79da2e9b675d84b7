package dev.wisp.functions;

import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A function to deploy.
 *
 * @param name                1-30 of a-z, 0-9, '-'; requests for {@code NAME.localhost} reach it
 * @param runtime             how the handler runs
 * @param handler             script, static binary, or jar (Java: a single {@code .java} source is compiled)
 * @param handlerClass        Java: the {@code dev.wisp.function.Function} class, or null for the jar's manifest
 * @param javaModules         Java: JDK modules beyond java.base and jdk.httpserver
 * @param memoryMib           guest memory
 * @param vcpus               guest vCPUs
 * @param reservedConcurrency most invocations running at once over all instances; synchronous calls past it get 429
 * @param instanceConcurrency calls one instance serves at once: the autoscaler's target and the router's per-instance
 *                            limit; 1..reservedConcurrency, 0 for the runtime's default ({@link #defaultInstanceConcurrency})
 * @param retry               how asynchronous invocations are retried
 * @param timeout             longest one attempt may take
 * @param standby             how idle instances sleep (default: pause after 1 s, snapshot after 60 s); tests pass shorter
 * @param tenant              whose function it is: its VMMs run under that tenant's cgroup ({@code default} unless set)
 */
public record FunctionSpec(
        String name,
        FunctionRuntime runtime,
        Path handler,
        String handlerClass,
        List<String> javaModules,
        int memoryMib,
        int vcpus,
        int reservedConcurrency,
        int instanceConcurrency,
        RetryPolicy retry,
        Duration timeout,
        StandbyPolicy standby,
        String tenant) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?");
    /** Most concurrent invocations a function may reserve. */
    public static final int MAX_CONCURRENCY = 1000;

    public static final int DEFAULT_CONCURRENCY = 10;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public FunctionSpec {
        if (name == null || !NAME.matcher(name).matches() || name.contains("--")) {
            throw new FunctionException(
                    FunctionException.Code.INVALID_NAME,
                    "invalid function name '" + name
                            + "': 1-30 of a-z, 0-9 and '-', not starting or ending with '-', no '--'");
        }
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(handler, "handler");
        javaModules = javaModules == null ? List.of() : List.copyOf(javaModules);
        if (reservedConcurrency < 1 || reservedConcurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException(
                    "reserved concurrency must be 1.." + MAX_CONCURRENCY + ", got " + reservedConcurrency);
        }
        if (instanceConcurrency == 0) {
            instanceConcurrency = defaultInstanceConcurrency(runtime, reservedConcurrency);
        }
        if (instanceConcurrency < 1 || instanceConcurrency > reservedConcurrency) {
            throw new IllegalArgumentException("instance concurrency must be 1..reserved concurrency ("
                    + reservedConcurrency + "), got " + instanceConcurrency);
        }
        standby = standby == null ? StandbyPolicy.defaults() : standby;
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        // Whose VMs these are: their VMMs' cgroups go under the tenant's (checked by VmSpec).
        tenant = tenant == null ? VmSpec.DEFAULT_TENANT : tenant;
        if (timeout.toMillis() < 100 || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalArgumentException("timeout must be 100 ms..15 min, got " + timeout);
        }
    }

    /**
     * Calls one instance of a 1-vCPU guest serves at once by default, at most the reserved concurrency: 4 for shell and
     * binary (the guest forks one handler per call), 8 for Java (threads of one warm JVM).
     */
    public static int defaultInstanceConcurrency(FunctionRuntime runtime, int reservedConcurrency) {
        return Math.min(runtime == FunctionRuntime.JAVA ? 8 : 4, Math.max(1, reservedConcurrency));
    }

    /** Most instances the function scales out to: {@code ceil(reservedConcurrency / instanceConcurrency)}. */
    public int maxInstances() {
        return (reservedConcurrency + instanceConcurrency - 1) / instanceConcurrency;
    }

    /** Defaults: 128 MiB (256 MiB for Java), 1 vCPU, concurrency 10 (4 per instance, Java 8), 3 attempts, 60 s timeout. */
    public static FunctionSpec of(String name, FunctionRuntime runtime, Path handler) {
        return new FunctionSpec(
                name,
                runtime,
                handler,
                null,
                List.of(),
                runtime == FunctionRuntime.JAVA ? 256 : 128,
                1,
                DEFAULT_CONCURRENCY,
                0,
                RetryPolicy.DEFAULT,
                DEFAULT_TIMEOUT,
                null,
                null);
    }

    public FunctionSpec withResources(int newVcpus, int newMemoryMib) {
        return with(f -> {
            f.vcpus = newVcpus;
            f.memoryMib = newMemoryMib;
        });
    }

    /** An instance concurrency still at its default follows the new reserved concurrency. */
    public FunctionSpec withReservedConcurrency(int n) {
        boolean atDefault = instanceConcurrency == defaultInstanceConcurrency(runtime, reservedConcurrency);
        return with(f -> {
            f.reservedConcurrency = n;
            f.instanceConcurrency = atDefault ? 0 : instanceConcurrency;
        });
    }

    public FunctionSpec withInstanceConcurrency(int n) {
        return with(f -> f.instanceConcurrency = n);
    }

    public FunctionSpec withRetry(RetryPolicy r) {
        return with(f -> f.retry = r);
    }

    public FunctionSpec withStandby(StandbyPolicy s) {
        return with(f -> f.standby = s);
    }

    /** The tenant whose function it is: its VMMs run under that tenant's cgroup and quota. */
    public FunctionSpec withTenant(String t) {
        return with(f -> f.tenant = t);
    }

    /** A copy with what {@code change} sets; it passes the same checks as a new spec. */
    private FunctionSpec with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new FunctionSpec(
                f.name,
                f.runtime,
                f.handler,
                f.handlerClass,
                f.javaModules,
                f.memoryMib,
                f.vcpus,
                f.reservedConcurrency,
                f.instanceConcurrency,
                f.retry,
                f.timeout,
                f.standby,
                f.tenant);
    }

    /** A spec's fields, open for one copy. */
    private static final class Fields {
        String name;
        FunctionRuntime runtime;
        Path handler;
        String handlerClass;
        List<String> javaModules;
        int memoryMib;
        int vcpus;
        int reservedConcurrency;
        int instanceConcurrency;
        RetryPolicy retry;
        Duration timeout;
        StandbyPolicy standby;
        String tenant;

        Fields(FunctionSpec s) {
            name = s.name;
            runtime = s.runtime;
            handler = s.handler;
            handlerClass = s.handlerClass;
            javaModules = s.javaModules;
            memoryMib = s.memoryMib;
            vcpus = s.vcpus;
            reservedConcurrency = s.reservedConcurrency;
            instanceConcurrency = s.instanceConcurrency;
            retry = s.retry;
            timeout = s.timeout;
            standby = s.standby;
            tenant = s.tenant;
        }
    }
}
