package dev.wisp.runtime;

import java.time.Instant;

/**
 * One line of an instance's console, as the host received it.
 *
 * @param instanceId the instance whose VM printed it
 * @param stream     the app's stdout or stderr, or the kernel (everything else)
 * @param text       the line without its tag or newline, at most 4 KiB of the guest's bytes
 * @param at         when the host read it (the guest's own clock is not sent: host receive time)
 */
public record ConsoleLine(String instanceId, GuestStream stream, String text, Instant at) {}
