package dev.wisp.runtime.net;

/**
 * A platform for {@link TapNetworkingTest} to kill: opens TAP networking with two slots made
 * ahead, says {@value #READY} once they are, and waits to be killed.
 */
final class ReadySlotsHolder {
    static final String READY = "ready";

    private ReadySlotsHolder() {}

    public static void main(String[] args) throws InterruptedException {
        TapNetworking net = TapNetworking.open(Ipv4Range.parse(NetworkConfig.DEFAULT_RANGE), null, 2);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while ((net.ready() < 2 || !net.settled()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println(net.ready() == 2 ? READY : "only " + net.ready() + " made");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
