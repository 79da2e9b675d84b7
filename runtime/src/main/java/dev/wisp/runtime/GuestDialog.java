package dev.wisp.runtime;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An instance's side of the guest protocol on the console (docs/guest-protocol.md): on boot,
 * hand the app its environment and wait until it is ready; after a restore, tell the guest who it
 * now is and wait for its answer. Markers arrive through {@link #offer} from the console reader
 * and are held only while a step expects them ({@link MarkerInbox}).
 */
final class GuestDialog {
    /** A restored guest answers the re-identify command within milliseconds; this bounds a wedged one. */
    private static final Duration REIDENTIFY_TIMEOUT = Duration.ofSeconds(15);

    private static final SecureRandom SEEDS = new SecureRandom();
    private static final Set<ConsoleMarker.Kind> BOOT_MARKERS = EnumSet.of(
            ConsoleMarker.Kind.INIT,
            ConsoleMarker.Kind.ENV,
            ConsoleMarker.Kind.READY,
            ConsoleMarker.Kind.EXIT,
            ConsoleMarker.Kind.ERROR);
    private static final Set<ConsoleMarker.Kind> RESTORE_MARKERS =
            EnumSet.of(ConsoleMarker.Kind.RESTORED, ConsoleMarker.Kind.EXIT, ConsoleMarker.Kind.ERROR);

    /** Fails the instance (VMM killed, state FAILED) and gives the exception to throw. */
    @FunctionalInterface
    interface Failure {
        InstanceFailedException of(String reason, Throwable cause);
    }

    private final InstanceVmm vmm;
    private final Failure fail;
    private final MarkerInbox markers = new MarkerInbox();
    /** When the latest boot's init and environment markers were taken (nanoTime), 0 if not. */
    private long initNanos;

    private long envNanos;
    /** The guest's uptime in ms when its init said it started (its own clock: the guest kernel's boot), or -1. */
    private long initUptimeMillis = -1;

    /** The dialog with the guest on {@code vmm}'s console; {@code fail} fails the instance. */
    GuestDialog(InstanceVmm vmm, Failure fail) {
        this.vmm = vmm;
        this.fail = fail;
    }

    /** Where the console sends markers. */
    void offer(ConsoleMarker marker) {
        markers.offer(marker);
    }

    /** Starts a step: the markers of a boot, or of a restore. */
    void expect(boolean restoring) {
        markers.expect(restoring ? RESTORE_MARKERS : BOOT_MARKERS);
    }

    /** Ends the step: nothing is held until the next. */
    void close() {
        markers.close();
    }

    /** Markers held for the step under way. */
    int backlog() {
        return markers.size();
    }

    /** Answers the guest's requests until the app listens on its port. */
    void awaitReady() {
        long deadline = System.nanoTime() + vmm.spec().readyTimeout().toNanos();
        boolean envSent = false;
        initNanos = 0;
        envNanos = 0;
        initUptimeMillis = -1;
        while (true) {
            ConsoleMarker m = nextMarker(deadline);
            if (m == null) {
                if (!vmm.isAlive()) {
                    throw fail.of(vmm.ramFileFull().orElse("VMM exited during boot"), null);
                }
                throw fail.of(
                        "app did not listen on port " + vmm.spec().guestPort() + " within "
                                + vmm.spec().readyTimeout().toSeconds() + " s (ready timeout)",
                        null);
            }
            switch (m.kind()) {
                case INIT -> {
                    initNanos = System.nanoTime();
                    initUptimeMillis = uptimeMillis(m.argument());
                }
                case ENV -> {
                    envNanos = System.nanoTime();
                    sendEnv();
                    envSent = true;
                }
                case READY -> {
                    if (!envSent && !vmm.spec().boot().env().isEmpty()) {
                        throw fail.of(
                                "the image's guest init never asked for the app's environment"
                                        + " (built by an older Wisp?): rebuild the image",
                                null);
                    }
                    return;
                }
                case EXIT ->
                    throw fail.of("entrypoint exited with code " + m.argument() + " before it was ready", null);
                case ERROR -> throw fail.of("guest init failed: " + m.argument(), null);
                default -> {}
            }
        }
    }

    /** When the latest {@link #awaitReady} saw the guest's init start (nanoTime), 0 if it did not. */
    long initNanos() {
        return initNanos;
    }

    /** The guest's uptime in ms at the latest boot's init marker, or -1 if it did not say. */
    long initUptimeMillis() {
        return initUptimeMillis;
    }

    private static long uptimeMillis(String argument) {
        try {
            return Long.parseLong(argument.strip());
        } catch (NumberFormatException e) {
            return -1; // an older guest init says no uptime
        }
    }

    /** When the latest {@link #awaitReady} was asked for the environment (nanoTime), 0 if it was not. */
    long envNanos() {
        return envNanos;
    }

    /** Answers the agent's request for the app's environment; echo is off, so it never shows. */
    private void sendEnv() {
        try {
            vmm.console().type(ConsoleMarker.envCommands(vmm.spec().boot().env()));
        } catch (IOException e) {
            throw fail.of("could not hand the app its environment: " + e.getMessage(), e);
        }
    }

    /**
     * Tells a restored guest its new id, clock and entropy. Typed while the vCPUs still stand: the
     * guest reads it the moment it runs, before any request can reach the app with the template's
     * identity and entropy.
     */
    void sendIdentity() {
        byte[] seed = new byte[32];
        SEEDS.nextBytes(seed);
        try {
            vmm.console()
                    .type(ConsoleMarker.restoreCommand(
                            vmm.id(),
                            Instant.now().getEpochSecond(),
                            HexFormat.of().formatHex(seed)));
        } catch (IOException e) {
            throw fail.of("could not reach restored guest's console: " + e.getMessage(), e);
        }
    }

    /** Waits until the resumed guest says it took its new identity. */
    void awaitIdentityAck() {
        long deadline = System.nanoTime() + REIDENTIFY_TIMEOUT.toNanos();
        while (true) {
            ConsoleMarker m = nextMarker(deadline);
            if (m == null) {
                throw fail.of(
                        vmm.isAlive()
                                ? "restored guest did not answer re-identify within " + REIDENTIFY_TIMEOUT.toSeconds()
                                        + " s"
                                : "VMM exited after restore",
                        null);
            }
            if (m.kind() == ConsoleMarker.Kind.RESTORED && m.argument().equals(vmm.id())) {
                return;
            }
            if (m.kind() == ConsoleMarker.Kind.EXIT) {
                throw fail.of("entrypoint exited with code " + m.argument() + " after restore", null);
            }
        }
    }

    /** Next marker, or null at the deadline or once the VMM has died and said nothing more. */
    private ConsoleMarker nextMarker(long deadlineNanos) {
        try {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                ConsoleMarker m = markers.poll(Math.min(left, 20_000_000L));
                if (m != null) {
                    return m;
                }
                if (!vmm.isAlive()) {
                    // Give the console reader a moment to drain what the guest said last.
                    return markers.poll(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
