package dev.wisp.planner;

/**
 * The closed-form capacity plan: how many servers a population of users needs when each user's
 * microVM is resident only while the user is active (scale-to-zero) versus all the time
 * (always-on). This is the seed's arithmetic: 1,000,000 users, at most 1,000 active at once,
 * 100 instances per server: 10 servers instead of 10,000.
 *
 * <p>It ignores everything that happens in time: how long an idle instance stays paused before
 * its memory is released, bursts, cold starts. {@link Simulation} measures those.
 *
 * @param users              users (or apps, or tenants), one microVM each; &gt;= 1
 * @param peakActive         the most users active at the same moment; in [1, users]
 * @param instancesPerServer microVMs one server holds; &gt;= 1 (see {@link #instancesPerServer(long, long)})
 */
public record CapacityPlan(long users, long peakActive, int instancesPerServer) {

    /** @throws IllegalArgumentException naming the input, the rule and the value given */
    public CapacityPlan {
        if (users < 1) {
            throw new IllegalArgumentException("users must be >= 1, was " + users);
        }
        if (peakActive < 1 || peakActive > users) {
            throw new IllegalArgumentException("active users must be in [1, users = " + users + "], was " + peakActive);
        }
        if (instancesPerServer < 1) {
            throw new IllegalArgumentException("instances per server must be >= 1, was " + instancesPerServer);
        }
    }

    /**
     * How many instances fit on one server by memory: {@code floor(serverMemory / instanceMemory)}.
     * Memory is what bounds density once idle instances use no CPU; give the memory left for
     * guests (after the host's own and the VMMs' overhead), in the same unit for both.
     *
     * @throws IllegalArgumentException if either is below 1, or not even one instance fits
     */
    public static int instancesPerServer(long serverMemory, long instanceMemory) {
        if (serverMemory < 1) {
            throw new IllegalArgumentException("server memory must be >= 1, was " + serverMemory);
        }
        if (instanceMemory < 1) {
            throw new IllegalArgumentException("instance memory must be >= 1, was " + instanceMemory);
        }
        long fit = serverMemory / instanceMemory;
        if (fit < 1) {
            throw new IllegalArgumentException(
                    "an instance of " + instanceMemory + " does not fit in a server of " + serverMemory);
        }
        return (int) Math.min(Integer.MAX_VALUE, fit);
    }

    /** Servers when only active users' instances are resident: {@code ceil(peakActive / perServer)}. */
    public long serversScaleToZero() {
        return servers(peakActive, instancesPerServer);
    }

    /** Servers when every user's instance stays resident: {@code ceil(users / perServer)}. */
    public long serversAlwaysOn() {
        return servers(users, instancesPerServer);
    }

    /** Servers that hold {@code instances} at {@code perServer} each, rounded up. */
    static long servers(long instances, int perServer) {
        return Math.ceilDiv(instances, (long) perServer);
    }
}
