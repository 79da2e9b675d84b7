package dev.wisp.node;

import dev.wisp.runtime.GuestStream;
import java.time.Instant;

/**
 * One retained console line of an instance.
 *
 * @param seq      the node's order of arrival (increasing across all instances; merges instances' logs)
 * @param at       when the host read the line (host receive time, not the guest's clock)
 * @param instance the instance that printed it
 * @param stream   the app's stdout or stderr, or the kernel (everything the app did not print)
 * @param text     the line, without newline
 */
public record LogLine(long seq, Instant at, String instance, GuestStream stream, String text) {}
