package dev.wisp.functions;

/**
 * One line of a function's invocation log.
 *
 * @param id         invocation id ({@code inv_...}, sync calls too)
 * @param mode       {@code sync} or {@code async}
 * @param attempts   attempts made
 * @param status     final HTTP status (429 when refused, 0 when no answer came)
 * @param outcome    {@code ok}, {@code error}, {@code rejected}, {@code dead}
 * @param durationMs from acceptance to the end
 * @param atMs       when it ended (epoch ms)
 */
public record LogEntry(String id, String mode, int attempts, int status, String outcome, long durationMs, long atMs) {}
