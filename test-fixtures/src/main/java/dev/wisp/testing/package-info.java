/**
 * Fixtures the tests of several Wisp modules share: {@link dev.wisp.testing.VmTests} (the
 * {@code -Dwisp.vmTests} switch as a JUnit 5 extension, and the test kernel),
 * {@link dev.wisp.testing.HttpdApp} (the standard busybox httpd test guest), {@link dev.wisp.testing.Hey},
 * {@link dev.wisp.testing.PrometheusText}, {@link dev.wisp.testing.Await} and
 * {@link dev.wisp.testing.SmallDisk}.
 *
 * <p>Test scope only; not an API for users.
 */
package dev.wisp.testing;
