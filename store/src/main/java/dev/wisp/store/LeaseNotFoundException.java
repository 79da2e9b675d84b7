package dev.wisp.store;

/** The lease does not exist: never granted, revoked, or expired. */
public final class LeaseNotFoundException extends StoreException {
    private final long leaseId;

    public LeaseNotFoundException(long leaseId) {
        super("lease " + leaseId + " not found: it was never granted, was revoked, or has expired");
        this.leaseId = leaseId;
    }

    /** The lease asked for. */
    public long leaseId() {
        return leaseId;
    }
}
