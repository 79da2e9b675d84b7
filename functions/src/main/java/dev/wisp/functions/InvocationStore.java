package dev.wisp.functions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.store.KeyValue;
import dev.wisp.store.Op;
import dev.wisp.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Invocations in the state store: {@code /functions/<name>/invocations/<id>} holds the record,
 * {@code /functions/<name>/dead-letters/<id>} marks the dead ones (so listing them does not scan
 * every invocation). Writes are durable when they return.
 */
final class InvocationStore {
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final StateStore store;

    InvocationStore(StateStore store) {
        this.store = store;
    }

    void put(Invocation inv) {
        if (inv.state() != Invocation.State.DEAD) {
            store.put(key(inv.function(), inv.id()), bytes(inv));
            return;
        }
        // One transaction: a reader that sees the invocation dead finds it in the dead letters too.
        store.txn(
                List.of(),
                List.of(
                        Op.put(key(inv.function(), inv.id()), bytes(inv)),
                        Op.put(
                                deadKey(inv.function(), inv.id()),
                                inv.id().getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                List.of());
    }

    Optional<Invocation> get(String function, String id) {
        return store.get(key(function, id)).map(InvocationStore::parse);
    }

    List<Invocation> all(String function) {
        return store.range("/functions/" + function + "/invocations/").kvs().stream()
                .map(InvocationStore::parse)
                .toList();
    }

    List<Invocation> deadLetters(String function) {
        return store.range("/functions/" + function + "/dead-letters/").kvs().stream()
                .map(kv -> get(function, kv.valueUtf8()))
                .flatMap(Optional::stream)
                .toList();
    }

    private static String key(String function, String id) {
        return "/functions/" + function + "/invocations/" + id;
    }

    private static String deadKey(String function, String id) {
        return "/functions/" + function + "/dead-letters/" + id;
    }

    private static byte[] bytes(Invocation inv) {
        try {
            return JSON.writeValueAsBytes(inv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Invocation parse(KeyValue kv) {
        try {
            return JSON.readValue(kv.value(), Invocation.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable invocation at " + kv.key(), e);
        }
    }
}
