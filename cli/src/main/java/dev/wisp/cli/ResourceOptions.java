package dev.wisp.cli;

import dev.wisp.sdk.Resources;
import picocli.CommandLine.Option;

/**
 * {@code --memory} and {@code --vcpus} of a service or function deployed through the API; unset
 * flags leave the platform's defaults (128 MiB for a function, 256 for a Java one; 1 vCPU) or what
 * the service already has.
 */
final class ResourceOptions {
    @Option(names = "--memory", paramLabel = "MIB", description = "Guest memory in MiB (default: the platform's).")
    Integer memoryMib;

    @Option(names = "--vcpus", paramLabel = "N", description = "Virtual CPUs per instance (default 1).")
    Integer vcpus;

    boolean any() {
        return memoryMib != null || vcpus != null;
    }

    /** The resources asked for; null when neither flag was given. */
    Resources resources() {
        return any() ? new Resources(vcpus, memoryMib) : null;
    }
}
