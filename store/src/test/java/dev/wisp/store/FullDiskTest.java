package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wisp.testing.SmallDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real full disk (an 8 MiB tmpfs): writes are refused with a clear error, nothing
 * half-written stays in the log, and writes work again once space is freed, without reopening.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FullDiskTest {

    @TempDir
    static Path tmp;

    private SmallDisk disk;

    @BeforeAll
    void mount() throws Exception {
        disk = SmallDisk.mount(tmp.resolve("disk"), 8);
    }

    @AfterAll
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    private static EmbeddedOptions options() {
        return EmbeddedOptions.defaults().withLeaseCheckInterval(Duration.ZERO);
    }

    /** Creates {@code dir} with an empty first log segment, for tests that write the log directly. */
    private static Path withEmptyLog(Path dir) throws IOException {
        Files.createDirectories(dir);
        WalWriter.create(dir, 1);
        return dir;
    }

    private static byte[] value(int bytes, int seed) {
        byte[] v = new byte[bytes];
        Arrays.fill(v, (byte) ('a' + seed % 26));
        return v;
    }

    @Test
    void fullDisk_refusesWritesClearlyAndTakesThemAgainOnceSpaceIsFreed() throws Exception {
        Path dir = disk.root().resolve("store-1");
        Path filler = disk.root().resolve("filler-1");
        StateStore store = StateStores.embedded(dir, options());
        try {
            for (int i = 1; i <= 5; i++) {
                store.put("k/" + i, value(100, i));
            }
            long revision = store.revision();
            Path log = StoreFiles.segment(dir, 1);
            long logSize = Files.size(log);
            SmallDisk.fill(filler);

            StoreFullException full =
                    catchThrowableOfType(StoreFullException.class, () -> store.put("big", value(64 * 1024, 0)));

            assertThat(full.getMessage()).contains("no space left on device", dir.toString(), "bytes free");
            assertThat(full.directory()).isEqualTo(dir);
            assertThat(full.freeBytes()).isBetween(0L, 64L * 1024);
            assertThat(Files.size(log)).as("the partial record is cut off").isEqualTo(logSize);
            assertThat(store.writeFailure()).get().isInstanceOf(StoreFullException.class);
            assertThat(store.get("big")).isEmpty();
            assertThat(store.revision()).isEqualTo(revision);
            assertThat(store.get("k/5").orElseThrow().value()).isEqualTo(value(100, 5));

            Files.delete(filler);

            assertThat(store.writeFailure()).as("health once space is back").isEmpty();
            assertThat(store.put("big", value(64 * 1024, 0)))
                    .as("no revision lost to the refused write")
                    .isEqualTo(revision + 1);
            assertThat(store.put("k/1", value(100, 9))).isEqualTo(revision + 2);
            assertThat(store.writeFailure()).isEmpty();
        } finally {
            store.close();
            Files.deleteIfExists(filler);
        }

        try (StateStore reopened = StateStores.embedded(dir, options())) {
            assertThat(reopened.get("big").orElseThrow().value()).isEqualTo(value(64 * 1024, 0));
            assertThat(reopened.get("k/1").orElseThrow().value()).isEqualTo(value(100, 9));
            assertThat(reopened.get("k/5").orElseThrow().modRevision()).isEqualTo(5);
            assertThat(reopened.range("").kvs()).hasSize(6);
        }
    }

    @Test
    void concurrentWritersOnAFillingDisk_reopenFindsExactlyTheAcknowledgedWrites() throws Exception {
        Path dir = disk.root().resolve("store-2");
        Path filler = disk.root().resolve("filler-2");
        // Small segments: rotations and background snapshots run into the full disk too.
        EmbeddedOptions opts = options().withLogRotationBytes(64 * 1024);
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
        StateStore store = StateStores.embedded(dir, opts);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            SmallDisk.fill(filler);
            Files.delete(filler);
            // Leave about 300 KiB: part of the writes below fit, then the disk is full.
            try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                long target = SmallDisk.free(disk.root()) - 300 * 1024;
                for (long written = 0; written < target; ) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), target - written));
                    written += ch.write(chunk);
                }
            }
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                int n = i;
                writes.add(pool.submit(() -> {
                    String key = "w/" + n;
                    byte[] v = value(6000 + n, n);
                    try {
                        store.put(key, v);
                        acknowledged.put(key, v);
                    } catch (StoreFullException e) {
                        refused.add(key);
                    }
                }));
            }
            for (Future<?> f : writes) {
                f.get();
            }
            assertThat(refused).as("the disk filled up").isNotEmpty();
            assertThat(acknowledged).as("writes before it was full").isNotEmpty();
            // No health assertion here: a refused batch cut back out of the log frees its bytes, so
            // with many writers the store may already have room again (the single-writer test checks it).

            Files.delete(filler);
            for (String key : List.copyOf(refused)) {
                byte[] v = value(100, key.length());
                store.put(key, v); // the refused ones, now that there is room
                acknowledged.put(key, v);
            }
            assertThat(store.writeFailure()).isEmpty();
        } finally {
            pool.shutdownNow();
            store.close();
            Files.deleteIfExists(filler);
        }
        try (StateStore reopened = StateStores.embedded(dir, opts)) {
            List<KeyValue> kvs = reopened.range("w/").kvs();
            assertThat(kvs).extracting(KeyValue::key).containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
            for (KeyValue kv : kvs) {
                assertThat(kv.value()).as(kv.key()).isEqualTo(acknowledged.get(kv.key()));
            }
            assertThat(reopened.revision()).isEqualTo(160);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void recordTornByENOSPC_isDroppedOnRecoveryAndEverythingBeforeItIsRead() throws Exception {
        Path dir = withEmptyLog(disk.root().resolve("store-3"));
        Path filler = disk.root().resolve("filler-3");
        List<WalRecord> good = new ArrayList<>();
        try (WalWriter wal = new WalWriter(dir, 1, WalWriter.MAGIC.length)) {
            for (int i = 1; i <= 20; i++) {
                WalRecord r = new WalRecord(i, List.of(new WalRecord.WalOp.Put("k/" + i, value(300, i), 0)));
                wal.append(List.of(WalCodec.frame(r)));
                good.add(r);
            }
        }
        Path log = StoreFiles.segment(dir, 1);
        long goodSize = Files.size(log);
        SmallDisk.fill(filler);
        // The next record as a crash would leave it: ENOSPC in the middle of it, never cut back.
        ByteBuffer torn =
                WalCodec.frame(new WalRecord(21, List.of(new WalRecord.WalOp.Put("k/21", value(256 * 1024, 21), 0))));
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            assertThatThrownBy(() -> {
                        while (torn.hasRemaining()) {
                            ch.write(torn);
                        }
                    })
                    .hasMessageContaining("No space left on device");
        }
        assertThat(Files.size(log)).as("part of the record reached the file").isGreaterThan(goodSize);

        try (StateStore store = StateStores.embedded(dir, options())) {
            assertThat(Files.size(log)).as("torn record dropped").isEqualTo(goodSize);
            assertThat(store.revision()).isEqualTo(20);
            for (WalRecord r : good) {
                WalRecord.WalOp.Put p = (WalRecord.WalOp.Put) r.ops().getFirst();
                assertThat(store.get(p.key()).orElseThrow().value()).isEqualTo(p.value());
            }
            assertThat(store.get("k/21")).isEmpty();
            // Still full: refused cleanly; then freed: taken.
            assertThatThrownBy(() -> store.put("k/21", value(256 * 1024, 21))).isInstanceOf(StoreFullException.class);
            assertThat(Files.size(log)).isEqualTo(goodSize);
            Files.delete(filler);
            assertThat(store.put("k/21", value(256 * 1024, 21))).isEqualTo(21);
        } finally {
            Files.deleteIfExists(filler);
        }
        try (StateStore store = StateStores.embedded(dir, options())) {
            assertThat(store.revision()).isEqualTo(21);
            assertThat(store.get("k/21").orElseThrow().value()).isEqualTo(value(256 * 1024, 21));
        }
    }

    @Test
    void failedAppend_cutsTheSegmentBackAndTheNextAppendContinuesCleanly() throws Exception {
        Path dir = withEmptyLog(disk.root().resolve("store-4"));
        Path filler = disk.root().resolve("filler-4");
        Path log = StoreFiles.segment(dir, 1);
        try (WalWriter wal = new WalWriter(dir, 1, WalWriter.MAGIC.length)) {
            wal.append(List.of(WalCodec.frame(
                    new WalRecord(1, List.of(new WalRecord.WalOp.Put("a", value(10, 1), 0))))));
            long size = wal.size();
            SmallDisk.fill(filler);

            WalRecord big = new WalRecord(2, List.of(new WalRecord.WalOp.Put("b", value(128 * 1024, 2), 0)));
            assertThatThrownBy(() -> wal.append(List.of(WalCodec.frame(big))))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(WalWriter.TailDamagedException.class);
            assertThat(wal.size()).isEqualTo(size);
            assertThat(Files.size(log)).isEqualTo(size);

            Files.delete(filler);
            wal.append(List.of(WalCodec.frame(big)));
            assertThat(Files.size(log)).isEqualTo(wal.size()).isGreaterThan(size + 128 * 1024);
        } finally {
            Files.deleteIfExists(filler);
        }
        try (StateStore store = StateStores.embedded(dir, options())) {
            assertThat(store.revision()).isEqualTo(2);
            assertThat(store.get("b").orElseThrow().value()).isEqualTo(value(128 * 1024, 2));
        }
    }
}
