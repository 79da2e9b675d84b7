package dev.wisp.planner;

/**
 * Receives a trace from {@link TraceGenerator}, in time order: within a second, the sessions that
 * end, then those that start, then {@link #secondEnded}.
 */
interface TraceSink {
    /** {@code user} becomes active at {@code second} and stays so until its {@link #sessionEnded}. */
    void sessionStarted(long second, int user, boolean burst);

    /** {@code user}'s session ended at {@code second}: its last request finished then. */
    void sessionEnded(long second, int user);

    /** All events of {@code second} are delivered; {@code activeUsers} are in a session now. */
    void secondEnded(long second, int activeUsers);
}
