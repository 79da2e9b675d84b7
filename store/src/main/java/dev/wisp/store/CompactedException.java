package dev.wisp.store;

/** A watch asked for history that is no longer kept. */
public final class CompactedException extends StoreException {
    private final long requestedRevision;
    private final long oldestRevision;

    public CompactedException(long requestedRevision, long oldestRevision) {
        super("revision " + requestedRevision + " has been compacted; the oldest watchable revision is "
                + oldestRevision + ": read the current state with range() and watch from its revision + 1");
        this.requestedRevision = requestedRevision;
        this.oldestRevision = oldestRevision;
    }

    /** The revision the watch needed. */
    public long requestedRevision() {
        return requestedRevision;
    }

    /** The oldest revision a watch can start from now. */
    public long oldestRevision() {
        return oldestRevision;
    }
}
