package dev.wisp.store;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: measures acknowledged (fsynced) puts per second with 1 and 8 writer threads, for a
 * bounded two seconds each, plus the raw fsync latency of the disk for comparison. Run with the
 * test classpath: {@code java -cp ... dev.wisp.store.WriteThroughputProbe [dir]}.
 */
public final class WriteThroughputProbe {

    private WriteThroughputProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("wisp-store-probe");
        rawFsync(dir);
        for (int threads : new int[] {1, 8}) {
            Path sub = dir.resolve("t" + threads);
            try (StateStore store = StateStores.embedded(sub)) {
                run(store, threads, 500); // warm-up
                run(store, threads, 2000);
            }
        }
    }

    private static void rawFsync(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(
                dir.resolve("fsync-probe"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            long[] nanos = new long[500];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                ch.write(ByteBuffer.allocate(128));
                ch.force(false);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            System.out.printf("raw append+fdatasync: p50 %.3f ms, p99 %.3f ms%n", nanos[250] / 1e6, nanos[495] / 1e6);
        }
    }

    private static void run(StateStore store, int threads, long millis) throws InterruptedException {
        byte[] value = new byte[256];
        AtomicLong count = new AtomicLong();
        long[][] lat = new long[threads][];
        long end = System.nanoTime() + millis * 1_000_000;
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                long[] l = new long[1 << 20];
                int n = 0;
                while (System.nanoTime() < end && n < l.length) {
                    long s = System.nanoTime();
                    store.put("probe/" + id + "/" + (n % 1000), value);
                    l[n++] = System.nanoTime() - s;
                }
                lat[id] = Arrays.copyOf(l, n);
                count.addAndGet(n);
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf(
                "%d thread(s), %d ms: %.0f acknowledged puts/s, latency p50 %.3f ms, p99 %.3f ms%n",
                threads, millis, count.get() / secs, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
    }
}
