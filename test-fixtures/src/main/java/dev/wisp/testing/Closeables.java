package dev.wisp.testing;

/** Tear-down of a test's resources: the ones set up so far, whichever step of the set-up failed. */
public final class Closeables {
    private Closeables() {}

    /**
     * Closes each non-null resource in the order given (a control plane before the disk under it),
     * every one even if an earlier close failed; the first failure is thrown with the rest suppressed.
     */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
