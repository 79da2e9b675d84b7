package dev.wisp.planner;

/**
 * The highest value a count reached in a simulation, and when it first did.
 *
 * @param count  the highest value
 * @param second seconds from the start of the trace
 * @param at     the same as a time of day, {@code HH:mm:ss}, prefixed with {@code day N} after the first day
 */
public record Peak(int count, long second, String at) {}
