package dev.wisp.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} must do. An implementation's test extends this and says how to
 * open a fresh store, reopen one over the same data, and let time pass for leases. Tests use only
 * revisions relative to what the store returns, so they hold for a shared etcd too, provided each
 * run gets its own key namespace (all keys here start with {@link #ns}).
 */
public abstract class StateStoreContract {

    protected StateStore store;
    /** Prefix of every key a test uses. */
    protected String ns = "t/";

    /** A new, empty store. */
    protected abstract StateStore open();

    /** Closes {@code store} and opens it again over the same data (by default with {@link #open}, which finds the data still there). */
    protected StateStore reopen(StateStore store) {
        store.close();
        return open();
    }

    /** Lets {@code d} pass for lease deadlines and waits until due leases are expired. */
    protected abstract void elapse(Duration d);

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private String k(String key) {
        return ns + key;
    }

    // ---- put / get / range -------------------------------------------------------------------

    @Test
    void putNewKey_getReturnsValueWithVersionOneAndEqualCreateAndModRevision() {
        long rev = store.put(k("a"), b("1"));

        KeyValue kv = store.get(k("a")).orElseThrow();
        assertThat(kv.key()).isEqualTo(k("a"));
        assertThat(kv.valueUtf8()).isEqualTo("1");
        assertThat(kv.createRevision()).isEqualTo(rev);
        assertThat(kv.modRevision()).isEqualTo(rev);
        assertThat(kv.version()).isEqualTo(1);
        assertThat(kv.lease()).isEqualTo(StateStore.NO_LEASE);
        assertThat(store.revision()).isEqualTo(rev);
    }

    @Test
    void putExistingKey_bumpsVersionAndModRevisionButKeepsCreateRevision() {
        long first = store.put(k("a"), b("1"));
        long second = store.put(k("a"), b("2"));

        KeyValue kv = store.get(k("a")).orElseThrow();
        assertThat(second).isEqualTo(first + 1);
        assertThat(kv.valueUtf8()).isEqualTo("2");
        assertThat(kv.createRevision()).isEqualTo(first);
        assertThat(kv.modRevision()).isEqualTo(second);
        assertThat(kv.version()).isEqualTo(2);
    }

    @Test
    void getMissingKey_returnsEmpty() {
        assertThat(store.get(k("nope"))).isEmpty();
    }

    @Test
    void writes_getStrictlyIncreasingConsecutiveRevisions() {
        long r0 = store.revision();
        List<Long> revs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            revs.add(store.put(k("k" + (i % 3)), b("v" + i)));
        }

        assertThat(revs)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(r0 + 1, r0 + 10).boxed().toList());
        assertThat(store.revision()).isEqualTo(r0 + 10);
    }

    @Test
    void range_returnsOnlyKeysWithThePrefixSortedByKey() {
        store.put(k("svc/b"), b("2"));
        store.put(k("svc/a"), b("1"));
        store.put(k("svc/c/x"), b("3"));
        store.put(k("svcx"), b("no"));
        store.put(k("sv"), b("no"));
        long last = store.put(k("other"), b("no"));

        RangeResult r = store.range(k("svc/"));

        assertThat(r.kvs()).extracting(KeyValue::key).containsExactly(k("svc/a"), k("svc/b"), k("svc/c/x"));
        assertThat(r.kvs()).extracting(KeyValue::valueUtf8).containsExactly("1", "2", "3");
        assertThat(r.revision()).isEqualTo(last);
    }

    @Test
    void range_sortsByUnicodeCodePointLikeUtf8Bytes() {
        String bmpHigh = k("\uFF21"); // U+FF21: above the surrogates in UTF-16, below U+1F600 in code points
        String astral = k("\uD83D\uDE00"); // U+1F600
        store.put(astral, b("x"));
        store.put(bmpHigh, b("x"));
        store.put(k("z"), b("x"));

        assertThat(store.range(ns).kvs()).extracting(KeyValue::key).containsExactly(k("z"), bmpHigh, astral);
    }

    @Test
    void values_areCopiedSoCallersCannotChangeStoredData() {
        byte[] value = b("abc");
        store.put(k("a"), value);
        value[0] = 'X';
        store.get(k("a")).orElseThrow().value()[1] = 'Y';

        assertThat(store.get(k("a")).orElseThrow().valueUtf8()).isEqualTo("abc");
    }

    @Test
    void emptyValue_isStoredAsEmpty() {
        store.put(k("a"), new byte[0]);

        assertThat(store.get(k("a")).orElseThrow().value()).isEmpty();
    }

    // ---- delete ------------------------------------------------------------------------------

    @Test
    void deleteExistingKey_removesItAndUsesARevision() {
        long put = store.put(k("a"), b("1"));

        assertThat(store.delete(k("a"))).isTrue();
        assertThat(store.get(k("a"))).isEmpty();
        assertThat(store.revision()).isEqualTo(put + 1);
    }

    @Test
    void deleteMissingKey_returnsFalseAndKeepsRevision() {
        long rev = store.put(k("other"), b("1"));

        assertThat(store.delete(k("a"))).isFalse();
        assertThat(store.revision()).isEqualTo(rev);
    }

    @Test
    void putAfterDelete_startsANewLifeWithVersionOne() {
        store.put(k("a"), b("1"));
        store.put(k("a"), b("2"));
        store.delete(k("a"));
        long rev = store.put(k("a"), b("3"));

        KeyValue kv = store.get(k("a")).orElseThrow();
        assertThat(kv.version()).isEqualTo(1);
        assertThat(kv.createRevision()).isEqualTo(rev);
    }

    // ---- compare-and-set and transactions ----------------------------------------------------

    @Test
    void compareAndSetWithCurrentModRevision_succeeds() {
        long rev = store.put(k("a"), b("1"));

        OptionalLong result = store.compareAndSet(k("a"), rev, b("2"));

        assertThat(result).hasValue(rev + 1);
        assertThat(store.get(k("a")).orElseThrow().valueUtf8()).isEqualTo("2");
    }

    @Test
    void compareAndSetWithStaleModRevision_failsAndChangesNothing() {
        long first = store.put(k("a"), b("1"));
        long second = store.put(k("a"), b("2"));

        assertThat(store.compareAndSet(k("a"), first, b("3"))).isEmpty();
        assertThat(store.get(k("a")).orElseThrow().valueUtf8()).isEqualTo("2");
        assertThat(store.revision()).isEqualTo(second);
    }

    @Test
    void putIfAbsent_createsOnlyOnce() {
        assertThat(store.putIfAbsent(k("a"), b("1"))).isPresent();
        assertThat(store.putIfAbsent(k("a"), b("2"))).isEmpty();

        assertThat(store.get(k("a")).orElseThrow().valueUtf8()).isEqualTo("1");
    }

    @Test
    void deleteIfRevision_deletesOnlyAtThatRevision() {
        long first = store.put(k("a"), b("1"));
        long second = store.put(k("a"), b("2"));

        assertThat(store.deleteIfRevision(k("a"), first)).isFalse();
        assertThat(store.get(k("a"))).isPresent();
        assertThat(store.deleteIfRevision(k("a"), second)).isTrue();
        assertThat(store.get(k("a"))).isEmpty();
    }

    @Test
    void txnWhoseComparesHold_appliesThenBranchAtOneRevision() {
        long rev = store.put(k("a"), b("1"));

        TxnResult r = store.txn(
                List.of(Compare.modRevision(k("a"), rev), Compare.absent(k("b"))),
                List.of(Op.put(k("b"), b("2")), Op.put(k("c"), b("3")), Op.delete(k("a"))),
                List.of(Op.put(k("failed"), b("x"))));

        assertThat(r.succeeded()).isTrue();
        assertThat(r.revision()).isEqualTo(rev + 1);
        assertThat(store.get(k("b")).orElseThrow().modRevision()).isEqualTo(rev + 1);
        assertThat(store.get(k("c")).orElseThrow().modRevision()).isEqualTo(rev + 1);
        assertThat(store.get(k("a"))).isEmpty();
        assertThat(store.get(k("failed"))).isEmpty();
        assertThat(store.revision()).isEqualTo(rev + 1);
    }

    @Test
    void txnWithAFailingCompare_appliesOtherwiseBranch() {
        store.put(k("a"), b("1"));

        TxnResult r = store.txn(
                List.of(Compare.version(k("a"), 7)),
                List.of(Op.put(k("then"), b("x"))),
                List.of(Op.put(k("else"), b("y"))));

        assertThat(r.succeeded()).isFalse();
        assertThat(store.get(k("then"))).isEmpty();
        assertThat(store.get(k("else")).orElseThrow().modRevision()).isEqualTo(r.revision());
    }

    @Test
    void txnThatChangesNothing_keepsRevision() {
        long rev = store.put(k("a"), b("1"));

        TxnResult r = store.txn(List.of(Compare.absent(k("a"))), List.of(Op.put(k("a"), b("2"))), List.of());

        assertThat(r.succeeded()).isFalse();
        assertThat(r.revision()).isEqualTo(rev);
        assertThat(store.revision()).isEqualTo(rev);
    }

    @Test
    void txnNamingAKeyTwiceInABranch_isRejected() {
        assertThatThrownBy(() -> store.txn(List.of(), List.of(Op.put(k("a"), b("1")), Op.delete(k("a"))), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than once");
    }

    @Test
    void compareOnCreateRevision_distinguishesKeyLives() {
        long created = store.put(k("a"), b("1"));
        store.put(k("a"), b("2"));

        Supplier<Boolean> putIfSameLife = () -> store.txn(
                        List.of(Compare.createRevision(k("a"), created)), List.of(Op.put(k("a"), b("3"))), List.of())
                .succeeded();
        assertThat(putIfSameLife.get()).isTrue();
        store.delete(k("a"));
        store.put(k("a"), b("new life"));
        assertThat(putIfSameLife.get()).isFalse();
        assertThat(store.get(k("a")).orElseThrow().valueUtf8()).isEqualTo("new life");
    }

    // ---- watches -----------------------------------------------------------------------------

    @Test
    void watchFromZero_deliversLaterChangesInRevisionOrder() {
        store.put(k("w/before"), b("0"));
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/"), 0, l)) {
            long r1 = store.put(k("w/a"), b("1"));
            long r2 = store.put(k("w/a"), b("2"));
            long r3 = store.put(k("w/b"), b("3"));
            store.delete(k("w/a"));

            List<WatchEvent> events = l.take(4);

            assertThat(events)
                    .extracting(WatchEvent::type)
                    .containsExactly(
                            WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
            assertThat(events).extracting(WatchEvent::revision).containsExactly(r1, r2, r3, r3 + 1);
            assertThat(events.get(1).kv().valueUtf8()).isEqualTo("2");
            assertThat(events.get(1).prevKv().valueUtf8()).isEqualTo("1");
            assertThat(events.get(0).prevKv()).isNull();
        }
    }

    @Test
    void watchDeleteEvent_carriesKeyRevisionAndPrevKv() {
        long put = store.put(k("w/a"), b("1"));
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/"), 0, l)) {
            store.delete(k("w/a"));

            WatchEvent e = l.take(1).getFirst();

            assertThat(e.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(e.key()).isEqualTo(k("w/a"));
            assertThat(e.revision()).isEqualTo(put + 1);
            assertThat(e.prevKv().valueUtf8()).isEqualTo("1");
            assertThat(e.prevKv().modRevision()).isEqualTo(put);
        }
    }

    @Test
    void watchFromAnOldRevision_replaysHistoryThenContinuesLiveWithoutGapsOrDuplicates() throws Exception {
        List<Long> revs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            revs.add(store.put(k("w/" + i), b("v" + i)));
        }
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/"), revs.get(1), l)) {
            for (int i = 5; i < 8; i++) {
                revs.add(store.put(k("w/" + i), b("v" + i)));
            }

            List<WatchEvent> events = l.take(6);

            assertThat(events).extracting(WatchEvent::revision).containsExactlyElementsOf(revs.subList(1, 7));
            assertThat(events)
                    .extracting(WatchEvent::key)
                    .containsExactly(k("w/1"), k("w/2"), k("w/3"), k("w/4"), k("w/5"), k("w/6"));
            assertThat(l.take(1).getFirst().revision()).isEqualTo(revs.get(7));
            assertThat(l.extra(100)).isEmpty();
        }
    }

    @Test
    void watchWithPrefix_ignoresOtherKeys() throws Exception {
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/a/"), 0, l)) {
            store.put(k("w/b/1"), b("x"));
            store.put(k("w/a"), b("x"));
            long mine = store.put(k("w/a/1"), b("x"));

            assertThat(l.take(1)).extracting(WatchEvent::revision).containsExactly(mine);
            assertThat(l.extra(100)).isEmpty();
        }
    }

    @Test
    void txnChanges_reachWatchesAsEventsOfOneRevisionInTxnOrder() {
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/"), 0, l)) {
            TxnResult r = store.txn(List.of(), List.of(Op.put(k("w/z"), b("1")), Op.put(k("w/a"), b("2"))), List.of());

            List<WatchEvent> events = l.take(2);

            assertThat(events).extracting(WatchEvent::key).containsExactly(k("w/z"), k("w/a"));
            assertThat(events).extracting(WatchEvent::revision).containsOnly(r.revision());
        }
    }

    @Test
    void cancelledWatch_receivesNothingMore() throws Exception {
        RecordingListener cancelled = new RecordingListener();
        RecordingListener witness = new RecordingListener();
        try (Watch w2 = store.watch(k("w/"), 0, witness)) {
            Watch w = store.watch(k("w/"), 0, cancelled);
            store.put(k("w/a"), b("1"));
            cancelled.take(1);

            w.cancel();
            store.put(k("w/b"), b("2"));
            witness.take(2);

            assertThat(cancelled.extra(100)).isEmpty();
            assertThat(cancelled.error).isNotDone();
        }
    }

    @Test
    void cancelFromInsideTheListener_stopsTheWatch() throws Exception {
        List<WatchEvent> got = Collections.synchronizedList(new ArrayList<>());
        Watch[] self = new Watch[1];
        CountDownLatch first = new CountDownLatch(1);
        RecordingListener witness = new RecordingListener();
        try (Watch w2 = store.watch(k("w/"), 0, witness)) {
            self[0] = store.watch(k("w/"), 0, e -> {
                got.add(e);
                self[0].cancel();
                first.countDown();
            });
            store.put(k("w/a"), b("1"));
            store.put(k("w/b"), b("2"));
            witness.take(2);

            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100);
            assertThat(got).hasSize(1);
        }
    }

    @Test
    void slowListener_stillGetsEveryEventInOrder() {
        RecordingListener l = new RecordingListener();
        List<Long> revs = new ArrayList<>();
        try (Watch w = store.watch(k("w/"), 0, e -> {
            sleepQuietly(2);
            l.onEvent(e);
        })) {
            for (int i = 0; i < 30; i++) {
                revs.add(store.put(k("w/" + (i % 4)), b("v" + i)));
            }

            assertThat(l.take(30)).extracting(WatchEvent::revision).containsExactlyElementsOf(revs);
        }
    }

    @Test
    void watchFromACompactedRevision_failsWithCompactedException() {
        long r1 = store.put(k("w/a"), b("1"));
        store.put(k("w/a"), b("2"));
        long r3 = store.put(k("w/a"), b("3"));
        store.compact(r3);

        assertThatThrownBy(() -> store.watch(k("w/"), r1, new RecordingListener()))
                .isInstanceOf(CompactedException.class)
                .hasMessageContaining("compacted")
                .satisfies(e ->
                        assertThat(((CompactedException) e).requestedRevision()).isEqualTo(r1));

        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/"), r3, l)) {
            assertThat(l.take(1).getFirst().revision()).isEqualTo(r3);
        }
    }

    @Test
    void compactBeyondTheCurrentRevision_isRejected() {
        long rev = store.put(k("a"), b("1"));

        assertThatThrownBy(() -> store.compact(rev + 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listenerThatWritesToTheStore_doesNotDeadlock() {
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("w/in"), 0, e -> store.put(k("w/out"), b("echo " + e.kv().valueUtf8())));
                Watch out = store.watch(k("w/out"), 0, l)) {
            store.put(k("w/in"), b("hi"));

            assertThat(l.take(1).getFirst().kv().valueUtf8()).isEqualTo("echo hi");
        }
    }

    // ---- leases ------------------------------------------------------------------------------

    @Test
    void leaseExpiry_deletesAttachedKeysOnlyAndTellsWatches() {
        long lease = store.grantLease(Duration.ofSeconds(2));
        store.put(k("l/a"), b("1"), lease);
        store.put(k("l/b"), b("2"), lease);
        store.put(k("l/c"), b("3"));
        RecordingListener l = new RecordingListener();
        try (Watch w = store.watch(k("l/"), 0, l)) {
            elapse(Duration.ofSeconds(3));

            assertThat(store.get(k("l/a"))).isEmpty();
            assertThat(store.get(k("l/b"))).isEmpty();
            assertThat(store.get(k("l/c"))).isPresent();
            List<WatchEvent> events = l.take(2);
            assertThat(events).extracting(WatchEvent::type).containsOnly(WatchEvent.Type.DELETE);
            assertThat(events).extracting(WatchEvent::key).containsExactlyInAnyOrder(k("l/a"), k("l/b"));
            assertThat(events).extracting(e -> e.prevKv().lease()).containsOnly(lease);
        }
    }

    @Test
    void leasedKey_carriesTheLeaseId() {
        long lease = store.grantLease(Duration.ofSeconds(2));
        store.put(k("a"), b("1"), lease);

        assertThat(store.get(k("a")).orElseThrow().lease()).isEqualTo(lease);
    }

    @Test
    void keepAlive_postponesExpiry() {
        long lease = store.grantLease(Duration.ofSeconds(2));
        store.put(k("a"), b("1"), lease);

        elapse(Duration.ofMillis(1500));
        store.keepAlive(lease);
        elapse(Duration.ofMillis(1500));
        assertThat(store.get(k("a"))).as("kept alive 1.5 s ago with a 2 s ttl").isPresent();

        elapse(Duration.ofSeconds(1));
        assertThat(store.get(k("a"))).isEmpty();
    }

    @Test
    void revokeLease_deletesItsKeysAtOnce() {
        long lease = store.grantLease(Duration.ofSeconds(60));
        store.put(k("a"), b("1"), lease);
        long rev = store.revision();

        assertThat(store.revokeLease(lease)).isTrue();

        assertThat(store.get(k("a"))).isEmpty();
        assertThat(store.revision()).isEqualTo(rev + 1);
        assertThat(store.revokeLease(lease)).isFalse();
    }

    @Test
    void keepAliveOfARevokedOrExpiredLease_throwsLeaseNotFound() {
        long revoked = store.grantLease(Duration.ofSeconds(60));
        store.revokeLease(revoked);
        long expired = store.grantLease(Duration.ofSeconds(2));
        elapse(Duration.ofSeconds(3));

        assertThatThrownBy(() -> store.keepAlive(revoked)).isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> store.keepAlive(expired))
                .isInstanceOf(LeaseNotFoundException.class)
                .hasMessageContaining(String.valueOf(expired));
    }

    @Test
    void putWithAnUnknownLease_throwsLeaseNotFoundAndWritesNothing() {
        long rev = store.put(k("other"), b("x"));

        assertThatThrownBy(() -> store.put(k("a"), b("1"), 987_654_321L)).isInstanceOf(LeaseNotFoundException.class);
        assertThat(store.get(k("a"))).isEmpty();
        assertThat(store.revision()).isEqualTo(rev);
    }

    @Test
    void putWithoutLease_detachesTheKeyFromItsLease() {
        long lease = store.grantLease(Duration.ofSeconds(2));
        store.put(k("a"), b("1"), lease);
        store.put(k("a"), b("2"));

        elapse(Duration.ofSeconds(3));

        assertThat(store.get(k("a"))).isPresent();
    }

    @Test
    void leaseTtlBelowOneSecond_isRejected() {
        assertThatThrownBy(() -> store.grantLease(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
    }

    // ---- limits ------------------------------------------------------------------------------

    @Test
    void keyAtTheLimit_isAccepted() {
        String key = ns + "x".repeat(StateStore.MAX_KEY_BYTES - ns.length());
        store.put(key, b("1"));

        assertThat(store.get(key)).isPresent();
    }

    @Test
    void keyOverTheLimitInUtf8Bytes_isRejectedNamingTheLimit() {
        String twoByteChars = ns + "é".repeat((StateStore.MAX_KEY_BYTES - ns.length()) / 2 + 1);

        assertThatThrownBy(() -> store.put(twoByteChars, b("1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_KEY_BYTES")
                .hasMessageContaining("1024");
    }

    @Test
    void emptyKey_isRejected() {
        assertThatThrownBy(() -> store.put("", b("1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> store.get("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyWithAnUnpairedSurrogate_isRejected() {
        assertThatThrownBy(() -> store.put(k("bad\uD800"), b("1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
    }

    @Test
    void valueAtTheLimit_isAccepted() {
        store.put(k("big"), new byte[StateStore.MAX_VALUE_BYTES]);

        assertThat(store.get(k("big")).orElseThrow().valueSize()).isEqualTo(StateStore.MAX_VALUE_BYTES);
    }

    @Test
    void valueOverTheLimit_isRejectedNamingTheLimit() {
        assertThatThrownBy(() -> store.put(k("big"), new byte[StateStore.MAX_VALUE_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_VALUE_BYTES");
        assertThat(store.get(k("big"))).isEmpty();
    }

    @Test
    void nullValue_isRejected() {
        assertThatThrownBy(() -> store.put(k("a"), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void txnOverTheOpLimit_isRejected() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i <= StateStore.MAX_TXN_OPS; i++) {
            ops.add(Op.put(k("k" + i), b("v")));
        }

        assertThatThrownBy(() -> store.txn(List.of(), ops, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_TXN_OPS");
    }

    // ---- concurrency -------------------------------------------------------------------------

    @Test
    void concurrentWriters_getUniqueConsecutiveRevisionsMatchingTheStoredKeys() throws Exception {
        int threads = 8;
        int perThread = 40;
        long r0 = store.revision();
        Set<Long> revs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String key = k("c/" + id + "/" + i);
                        long rev = store.put(key, b(key));
                        revs.add(rev);
                        assertThat(store.get(key).orElseThrow().modRevision()).isEqualTo(rev); // read your write
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = threads * perThread;
        assertThat(new TreeSet<>(revs))
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(r0 + 1, r0 + total).boxed().toList());
        assertThat(store.revision()).isEqualTo(r0 + total);
        RangeResult all = store.range(k("c/"));
        assertThat(all.kvs()).hasSize(total);
        assertThat(all.kvs()).allSatisfy(kv -> assertThat(kv.valueUtf8()).isEqualTo(kv.key()));
        assertThat(all.kvs()).extracting(KeyValue::modRevision).doesNotHaveDuplicates();
    }

    @Test
    void concurrentCompareAndSetIncrements_loseNoUpdate() throws Exception {
        store.put(k("counter"), b("0"));
        int threads = 4;
        int perThread = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger conflicts = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            KeyValue kv = store.get(k("counter")).orElseThrow();
                            int next = Integer.parseInt(kv.valueUtf8()) + 1;
                            if (store.compareAndSet(k("counter"), kv.modRevision(), b(Integer.toString(next)))
                                    .isPresent()) {
                                break;
                            }
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        KeyValue kv = store.get(k("counter")).orElseThrow();
        assertThat(kv.valueUtf8()).isEqualTo(Integer.toString(threads * perThread));
        assertThat(kv.version()).isEqualTo(threads * perThread + 1);
    }

    // ---- durability and lifecycle ------------------------------------------------------------

    @Test
    void reopen_keepsKeysMetadataAndRevision() {
        long lease = store.grantLease(Duration.ofSeconds(60));
        store.put(k("a"), b("1"));
        store.put(k("a"), b("2"));
        store.put(k("b"), b("3"), lease);
        store.put(k("gone"), b("x"));
        store.delete(k("gone"));
        KeyValue a = store.get(k("a")).orElseThrow();
        KeyValue bkv = store.get(k("b")).orElseThrow();
        long rev = store.revision();

        store = reopen(store);

        assertThat(store.get(k("a"))).contains(a);
        assertThat(store.get(k("b"))).contains(bkv);
        assertThat(store.get(k("gone"))).isEmpty();
        assertThat(store.revision()).isEqualTo(rev);
        assertThat(store.put(k("c"), b("4"))).isEqualTo(rev + 1);
        store.keepAlive(lease); // the lease survived too
    }

    @Test
    void closedStore_rejectsCallsAndEndsWatches() throws Exception {
        RecordingListener l = new RecordingListener();
        store.watch(k("w/"), 0, l);
        store.close();

        assertThatThrownBy(() -> store.put(k("a"), b("1"))).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.get(k("a"))).isInstanceOf(StoreClosedException.class);
        assertThat(l.error.get(5, TimeUnit.SECONDS)).isInstanceOf(StoreClosedException.class);
        store.close(); // idempotent
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
