package dev.wisp.control;

import dev.wisp.store.EmbeddedOptions;
import dev.wisp.store.KeyValue;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The env key at start: made on the first start, required once a value is sealed with it (a
 * store with sealed values and no key file does not start, rather than lose every service's env),
 * checked against every sealed value. Records an older version wrote with plain env are sealed.
 */
final class EnvSealing {
    /** A value this size makes the store start a new log with a snapshot at the small rotation size below. */
    private static final int ROTATION_BYTES = 4096;

    private static final String ROTATION_KEY = "/wisp/log-rotation";

    private EnvSealing() {}

    /** The key of {@code data} (created if no record needs an existing one), checked on every sealed value. */
    static EnvCipher cipher(Path data, Registry registry) {
        Path file = data.resolve(EnvCipher.KEY_FILE);
        List<KeyValue> revisions = registry.store().range(Registry.REVISIONS).kvs();
        EnvCipher cipher;
        if (Files.exists(file)) {
            cipher = EnvCipher.load(file);
        } else if (revisions.stream().anyMatch(kv -> hasSealed(read(kv)))
                || !registry.store().range(Secrets.PREFIX).kvs().isEmpty()) {
            throw new IllegalStateException("the state store in " + data.resolve("state")
                    + " holds encrypted env values but their key file " + file + " is missing: put it back from a"
                    + " backup of this data directory (starting without it would lose every service's env)");
        } else {
            cipher = EnvCipher.create(file);
        }
        for (KeyValue kv : revisions) {
            RevisionRecord r = read(kv);
            if (hasSealed(r)) {
                try {
                    cipher.openAll(r.sealedEnv());
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(kv.key() + ": " + e.getMessage(), e);
                }
            }
        }
        return cipher;
    }

    /** Seals the env of every record written with plain values; returns how many there were. */
    static int sealPlainRecords(Registry registry, EnvCipher cipher) {
        int sealed = 0;
        for (KeyValue kv : registry.store().range(Registry.REVISIONS).kvs()) {
            if (read(kv).hasPlainEnv()) {
                String key = kv.key();
                registry.write(tx -> {
                    tx.get(key, RevisionRecord.class)
                            .filter(RevisionRecord::hasPlainEnv)
                            .ifPresent(r -> tx.put(key, r.sealed(cipher)));
                    return null;
                });
                sealed++;
            }
        }
        return sealed;
    }

    /**
     * Replaces the store's log, which still holds the plain values of records sealed since, by a
     * snapshot of the state as it is now: the store (closed by the caller) is opened once with a
     * small rotation size and one write big enough to rotate, which snapshots and deletes older files.
     */
    static void dropOldLog(Path storeDir) {
        try (StateStore s =
                StateStores.embedded(storeDir, EmbeddedOptions.defaults().withLogRotationBytes(ROTATION_BYTES))) {
            s.put(ROTATION_KEY, new byte[ROTATION_BYTES]);
            s.delete(ROTATION_KEY);
        }
    }

    private static boolean hasSealed(RevisionRecord r) {
        return !r.hasPlainEnv() && r.sealedEnv() != null && !r.sealedEnv().isEmpty();
    }

    private static RevisionRecord read(KeyValue kv) {
        return Json.read(kv.value(), RevisionRecord.class);
    }
}
