package dev.wisp.runtime.net;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * QEMU's user networking: {@code restrict=on}, so the guest reaches nothing, and one loopback
 * port forwarded to its app. The fallback where TAP is not possible; egress policies have no
 * effect here (a guest with {@code restrict=off} could reach the host's loopback services).
 */
final class UserNetworking implements Networking {
    private final PortAllocator ports = new PortAllocator();
    private final String reason;

    UserNetworking(String reason) {
        this.reason = reason;
    }

    @Override
    public NetSlot acquire(String name, int guestPort) {
        int port = ports.acquire();
        AtomicBoolean released = new AtomicBoolean();
        return new NetSlot() {
            @Override
            public String address() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String netdev(boolean tapAsFd) {
                return "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:" + port + "-:" + guestPort;
            }

            @Override
            public Optional<String> namespace() {
                return Optional.empty();
            }

            @Override
            public void egress(Egress egress) {
                // restrict=on: no way out whatever the policy (docs/networking.md).
            }

            @Override
            public void release() {
                if (released.compareAndSet(false, true)) {
                    ports.release(port);
                }
            }
        };
    }

    @Override
    public String describe() {
        return "user (" + reason + ")";
    }

    @Override
    public int held() {
        return ports.held();
    }

    @Override
    public void close() {}
}
