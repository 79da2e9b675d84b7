package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStateStoreTest extends StateStoreContract {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

    private EmbeddedOptions options() {
        return EmbeddedOptions.defaults().withClock(clock).withLeaseCheckInterval(Duration.ZERO);
    }

    @Override
    protected StateStore open() {
        return StateStores.embedded(dir, options());
    }

    @Override
    protected void elapse(Duration d) {
        clock.advance(d);
        ((EmbeddedStateStore) store).expireDueLeases();
    }

    // ---- restart -----------------------------------------------------------------------------

    @Test
    void reopenAfterClose_keepsEverythingAndContinuesRevisions() {
        long lease = store.grantLease(Duration.ofSeconds(30));
        for (int i = 0; i < 50; i++) {
            store.put("k/" + (i % 7), b("v" + i), i % 2 == 0 ? lease : StateStore.NO_LEASE);
        }
        store.delete("k/3");
        RangeResult before = store.range("");

        store = reopen(store);

        assertThat(store.range("")).isEqualTo(before);
        assertThat(store.put("k/new", b("x"))).isEqualTo(before.revision() + 1);
        store.revokeLease(lease);
        assertThat(store.range("k/").kvs())
                .allSatisfy(kv -> assertThat(kv.lease()).isZero());
    }

    @Test
    void reopen_replaysHistorySinceTheLastSnapshotToWatches() {
        long first = store.put("w/a", b("1"));
        store.put("w/b", b("2"));

        store = reopen(store);
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch("w/", first, l)) {
            assertThat(l.take(2)).extracting(WatchEvent::key).containsExactly("w/a", "w/b");
        }
    }

    @Test
    void leaseDeadline_isPersistedSoRestartDoesNotExtendIt() {
        long lease = store.grantLease(Duration.ofSeconds(10));
        store.put("a", b("1"), lease);
        store.close();

        clock.advance(Duration.ofSeconds(6));
        store = open();
        elapse(Duration.ZERO);
        assertThat(store.get("a")).as("6 s into a 10 s lease").isPresent();

        elapse(Duration.ofSeconds(5));
        assertThat(store.get("a"))
                .as("11 s after grant, though only 5 s after restart")
                .isEmpty();
    }

    @Test
    void leaseThatExpiredWhileClosed_isRevokedAfterOpen() {
        long lease = store.grantLease(Duration.ofSeconds(10));
        store.put("a", b("1"), lease);
        store.keepAlive(lease);
        store.close();

        clock.advance(Duration.ofMinutes(5));
        store = open();
        assertThatThrownBy(() -> store.keepAlive(lease)).isInstanceOf(LeaseNotFoundException.class);
        elapse(Duration.ZERO);

        assertThat(store.get("a")).isEmpty();
    }

    @Test
    void backgroundTimer_expiresLeasesWithoutHelp() throws Exception {
        store.close();
        store = StateStores.embedded(dir, options().withLeaseCheckInterval(Duration.ofMillis(20)));
        long lease = store.grantLease(Duration.ofSeconds(1));
        store.put("a", b("1"), lease);

        clock.advance(Duration.ofSeconds(2));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (store.get("a").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertThat(store.get("a")).isEmpty();
    }

    // ---- torn tails --------------------------------------------------------------------------

    @Test
    void tornTailRecord_isTruncatedAndEarlierAcknowledgedWritesSurvive() throws IOException {
        Path log = closedAfterWrites(10);
        long size = Files.size(log);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5); // the last record lost its end, as in a crash mid-append
        }

        store = open();

        assertThat(store.revision()).isEqualTo(9);
        assertThat(store.get("k/9").orElseThrow().valueUtf8()).isEqualTo("value-9");
        assertThat(store.get("k/10")).isEmpty();
        assertThat(Files.size(log)).as("torn record cut off").isLessThan(size - 5);
        assertThat(store.put("k/10", b("again"))).isEqualTo(10);
        store = reopen(store);
        assertThat(store.get("k/10").orElseThrow().valueUtf8()).isEqualTo("again");
    }

    @Test
    void corruptedLastRecord_isTruncatedByChecksum() throws IOException {
        Path log = closedAfterWrites(5);
        long size = Files.size(log);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, size - 3);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            ch.write(one, size - 3);
        }

        store = open();

        assertThat(store.revision()).isEqualTo(4);
        assertThat(store.get("k/5")).isEmpty();
        assertThat(store.get("k/4")).isPresent();
    }

    @Test
    void garbageAfterTheLastRecord_isTruncated() throws IOException {
        store.put("a", b("1"));
        store.close();
        Path log = onlySegment();
        long size = Files.size(log);
        Files.write(log, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND); // a header, no body
        Files.write(log, new byte[4096], StandardOpenOption.APPEND); // and a zero-filled page

        store = open();

        assertThat(store.get("a")).isPresent();
        assertThat(Files.size(log)).isEqualTo(size);
    }

    @Test
    void damagedRecordInAnOlderSegment_refusesToOpen() throws IOException {
        store.put("a", b("1"));
        store.close();
        Path first = onlySegment();
        WalWriter.create(dir, 2); // a later segment exists, so the damage is not a torn tail
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(first) - 1);
        }

        assertThatThrownBy(this::open).isInstanceOf(StoreException.class).hasMessageContaining("not the last segment");
    }

    @Test
    void foreignFileAsLog_refusesToOpenWithAClearError() throws IOException {
        store.close();
        Files.writeString(onlySegment(), "hello, I am not a log");

        assertThatThrownBy(this::open).isInstanceOf(StoreException.class).hasMessageContaining("not a wisp store log");
    }

    // ---- compaction --------------------------------------------------------------------------

    @Test
    void logRotation_snapshotsKeepAllDataAndBoundTheLogSize() throws IOException {
        store.close();
        EmbeddedOptions small = options().withLogRotationBytes(16 * 1024);
        store = StateStores.embedded(dir, small);
        long lease = store.grantLease(Duration.ofSeconds(60));
        byte[] value = new byte[200];
        for (int i = 0; i < 2000; i++) {
            value[0] = (byte) i;
            store.put("k/" + (i % 25), value, i % 5 == 0 ? lease : StateStore.NO_LEASE);
        }
        RangeResult before = store.range("");
        store.close(); // waits for a snapshot in progress

        long logBytes = sizeOf("wal-");
        assertThat(logBytes).as("~480 KB written, logs bounded by rotation").isLessThan(64 * 1024);
        assertThat(files("snap-")).hasSize(1);
        assertThat(files("wal-")).hasSizeLessThanOrEqualTo(2);

        store = StateStores.embedded(dir, small);
        assertThat(store.range("")).isEqualTo(before);
        assertThat(store.range("").kvs())
                .allSatisfy(kv -> assertThat(kv.version()).isEqualTo(80));
        assertThat(store.revision()).isEqualTo(2000);
        store.revokeLease(lease); // leases are in the snapshot as well
        assertThat(store.range("").kvs()).hasSize(20);
    }

    @Test
    void watchFromBeforeTheSnapshotAfterRestart_isCompacted() {
        store.close();
        EmbeddedOptions small = options().withLogRotationBytes(8 * 1024);
        store = StateStores.embedded(dir, small);
        for (int i = 0; i < 200; i++) {
            store.put("k", new byte[100]);
        }
        store = reopen(store);

        assertThatThrownBy(() -> store.watch("k", 1, new RecordingListener())).isInstanceOf(CompactedException.class);
    }

    @Test
    void historyRetention_dropsOldRevisionsAndEndsLaggingWatches() {
        store.close();
        store = StateStores.embedded(dir, options().withHistory(10, 1 << 20));
        for (int i = 0; i < 30; i++) {
            store.put("k", b("v" + i));
        }

        assertThatThrownBy(() -> store.watch("k", 5, new RecordingListener()))
                .isInstanceOf(CompactedException.class)
                .satisfies(e ->
                        assertThat(((CompactedException) e).oldestRevision()).isEqualTo(21));
    }

    // ---- locking -----------------------------------------------------------------------------

    @Test
    void secondOpenOfTheSameDirectory_failsWithALockErrorUntilTheFirstCloses() {
        assertThatThrownBy(this::open).isInstanceOf(StoreLockedException.class).hasMessageContaining("already open");
        store.put("a", b("1")); // the failed attempt did not disturb the open store

        store.close();
        store = open();
        assertThat(store.get("a")).isPresent();
    }

    /** Writes {@code k/1..n} (revisions 1..n), closes the store and returns its only log segment. */
    private Path closedAfterWrites(int n) throws IOException {
        for (int i = 1; i <= n; i++) {
            store.put("k/" + i, b("value-" + i));
        }
        store.close();
        return onlySegment();
    }

    private Path onlySegment() throws IOException {
        List<Path> logs = files("wal-");
        assertThat(logs).hasSize(1);
        return logs.getFirst();
    }

    private List<Path> files(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted()
                    .toList());
        }
    }

    private long sizeOf(String prefix) throws IOException {
        long total = 0;
        for (Path p : files(prefix)) {
            total += Files.size(p);
        }
        return total;
    }
}
