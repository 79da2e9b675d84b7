package dev.wisp.control;

import java.nio.file.Path;

/** A control plane in a child JVM, for the kill -9 test: prints READY with its ports, then runs until killed. */
final class ControlPlaneChild {
    private ControlPlaneChild() {}

    public static void main(String[] args) throws Exception {
        ControlPlane cp = ControlPlane.start(Guests.config(Path.of(args[0])));
        System.out.println("READY " + cp.apiPort() + " " + cp.routerPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
