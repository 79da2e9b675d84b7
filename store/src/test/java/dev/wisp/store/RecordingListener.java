package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects a watch's events for assertions; the etcd store's tests use it too. */
public final class RecordingListener implements WatchListener {

    private final LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    private final List<WatchEvent> seen = new ArrayList<>();
    public final CompletableFuture<StoreException> error = new CompletableFuture<>();

    @Override
    public void onEvent(WatchEvent event) {
        events.add(event);
    }

    @Override
    public void onError(StoreException e) {
        error.complete(e);
    }

    /** Waits for the next {@code n} events (5 s at most for each). */
    List<WatchEvent> take(int n) {
        return take(n, Duration.ofSeconds(5));
    }

    /** Waits for the next {@code n} events, each for {@code within} at most. */
    public List<WatchEvent> take(int n, Duration within) {
        List<WatchEvent> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                WatchEvent e = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
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
