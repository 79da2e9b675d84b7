package dev.wisp.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link KillNineTest}: writes keys from several threads (so group commit is in
 * play) and prints {@code ACK <key> <revision>} for each acknowledged put, until it is killed.
 * Bounded by itself too (20 s), so a lost child never runs on.
 */
public final class KillTestWriter {

    private KillTestWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        long stopAt = System.nanoTime() + 20_000_000_000L;
        StateStore store = StateStores.embedded(dir);
        System.out.println("READY");
        System.out.flush();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; System.nanoTime() < stopAt; i++) {
                    String key = "kill/" + id + "/" + i;
                    long rev = store.put(key, value(key));
                    synchronized (System.out) {
                        System.out.println("ACK " + key + " " + rev);
                        System.out.flush();
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        store.close();
    }

    static byte[] value(String key) {
        return ("value of " + key).getBytes(StandardCharsets.UTF_8);
    }
}
