package dev.wisp.cluster;

import dev.wisp.store.StoreException;

/** A write of a deposed leader was refused: another node holds the leader key (or none does). */
public final class NotLeaderException extends StoreException {
    NotLeaderException(String message) {
        super(message);
    }
}
