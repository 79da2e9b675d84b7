package dev.wisp.runtime.net;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** One VMM's TAP network: its namespace, veth /30 and egress chain (see {@link TapNetworking}). */
final class TapSlot implements NetSlot {
    private final TapNetworking network;
    private final int slot;
    private final int guestPort;
    private final AtomicBoolean released = new AtomicBoolean();

    TapSlot(TapNetworking network, int slot, int guestPort) {
        this.network = network;
        this.slot = slot;
        this.guestPort = guestPort;
    }

    int slot() {
        return slot;
    }

    @Override
    public String address() {
        return network.hostAddress(slot);
    }

    @Override
    public int port() {
        return guestPort;
    }

    @Override
    public String netdev(boolean tapAsFd) {
        return tapAsFd ? "tap,id=net0,fd=" + TAP_FD : "tap,id=net0,ifname=" + TAP + ",script=no,downscript=no";
    }

    @Override
    public Optional<String> namespace() {
        return Optional.of(network.namespaceOf(slot));
    }

    @Override
    public void egress(Egress egress) {
        network.applyPolicy(this, egress);
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            network.release(this);
        }
    }
}
