package dev.wisp.node;

/** A service cannot fit on this node: its message gives the numbers (needed, free, limit). */
public final class CapacityException extends RuntimeException {
    CapacityException(String message) {
        super(message);
    }
}
