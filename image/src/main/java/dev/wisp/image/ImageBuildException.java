package dev.wisp.image;

/** A kernel or image could not be produced; the message is one line that says why. */
public final class ImageBuildException extends RuntimeException {
    /** @param message one line naming what failed and why */
    public ImageBuildException(String message) {
        super(message);
    }

    /**
     * @param message one line naming what failed and why
     * @param cause the underlying failure
     */
    public ImageBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
