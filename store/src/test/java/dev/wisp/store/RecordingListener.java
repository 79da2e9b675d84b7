package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects a watch's events for assertions. */
final class RecordingListener implements WatchListener {

    private final LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    private final List<WatchEvent> seen = new ArrayList<>();
    final CompletableFuture<StoreException> error = new CompletableFuture<>();

    @Override
    public void onEvent(WatchEvent event) {
        events.add(event);
    }

    @Override
    public void onError(StoreException e) {
        error.complete(e);
    }

    /** Waits for the next {@code n} events (5 s at most). */
    List<WatchEvent> take(int n) {
        List<WatchEvent> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                WatchEvent e = events.poll(5, TimeUnit.SECONDS);
                assertThat(e).as("event %d of %d (got %s)", i + 1, n, out).isNotNull();
                out.add(e);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        seen.addAll(out);
        return out;
    }

    /** Events that arrived and were not taken yet, after waiting {@code millis}. */
    List<WatchEvent> extra(long millis) throws InterruptedException {
        Thread.sleep(millis);
        List<WatchEvent> out = new ArrayList<>();
        events.drainTo(out);
        return out;
    }
}
