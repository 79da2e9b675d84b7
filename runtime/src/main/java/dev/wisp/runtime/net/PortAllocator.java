package dev.wisp.runtime.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out loopback ports for VMs' forwarded ports. The OS picks a free one; the allocator
 * remembers what it gave out so two VMs never get the same port while both hold it.
 */
final class PortAllocator {
    private final Set<Integer> held = new HashSet<>();

    synchronized int acquire() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            } catch (IOException e) {
                throw new dev.wisp.runtime.VmException("no free loopback port: " + e.getMessage(), e);
            }
            if (held.add(port)) {
                return port;
            }
        }
        throw new dev.wisp.runtime.VmException("no free loopback port after 100 tries");
    }

    synchronized void release(int port) {
        held.remove(port);
    }

    synchronized int held() {
        return held.size();
    }
}
