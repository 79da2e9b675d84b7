/**
 * Small pieces of host plumbing that several Wisp modules need the same way: where Wisp's home
 * is ({@link dev.wisp.common.WispHome}), removing file trees, reading {@code /proc/meminfo},
 * compiling a bundled C source with gcc, free disk space,
 * host tools (buildah, a local {@code docker-registry}), a second JVM for tests and benchmarks,
 * a bounded wait that an interrupt ends ({@link dev.wisp.common.BoundedWait}), closing that a
 * failure to close does not cut short ({@link dev.wisp.common.Closing}), and durations and enum
 * constants as people write them ({@link dev.wisp.common.DurationText}, {@link
 * dev.wisp.common.EnumText}).
 *
 * <p>Internal: this package is not an API for users and may change with any release. It depends
 * on nothing but the JDK so that every module can use it.
 */
package dev.wisp.common;
