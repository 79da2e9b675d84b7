package dev.wisp.control;

/** How a service's idle instances sleep, in API form; see {@code StandbyPolicy}. */
record Standby(String policy, String pauseAfter, String snapshotAfter, String retireAfter) {
    static final Standby DEFAULT = new Standby("snapshot", "1s", "60s", "24h");
}
