package dev.wisp.runtime.jail;

import dev.wisp.runtime.VmException;
import java.util.BitSet;

/** Hands out the uid/gid slots of a configured range, one per running VMM. */
final class UidPool {
    private final int base;
    private final int count;
    private final BitSet used = new BitSet();

    UidPool(int base, int count) {
        this.base = base;
        this.count = count;
    }

    /** The group every VMM has as a supplementary group: files all VMMs may read carry it. */
    int sharedGroup() {
        return base;
    }

    /** A free uid (the VMM's gid is the same number). */
    synchronized int acquire() {
        int slot = used.nextClearBit(0);
        if (slot >= count) {
            throw new VmException("all " + count + " jail uids (" + (base + 1) + ".." + (base + count)
                    + ") are in use: raise the range or run fewer VMs");
        }
        used.set(slot);
        return base + 1 + slot;
    }

    synchronized void release(int uid) {
        int slot = uid - base - 1;
        if (slot >= 0 && slot < count) {
            used.clear(slot);
        }
    }

    synchronized int inUse() {
        return used.cardinality();
    }
}
