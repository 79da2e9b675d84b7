package dev.wisp.control;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One immutable deploy of a service, stored under {@code /revisions/<tenant>/<name>/<number>};
 * only {@code state} and {@code message} change after creation; a new one is warming, with no
 * message, plain env or failure.
 *
 * @param sealedEnv the app's environment: name to value sealed by {@link EnvCipher}; never plain text
 * @param state     warming, ready, serving, retired or failed
 * @param env       plain values, only in records written before env was sealed; sealed at start
 *                  ({@link EnvSealing}), null in every record written since
 * @param failure   why its last start failed, while no instance of it has started since; null otherwise
 * @param egress    where its guests may connect to ({@code none}, {@code internet}, {@code HOST:PORT,...});
 *                  null in records written before egress existed, which means none
 * @param volumes   the volumes its instances mount (one set per instance); null in records
 *                  written before volumes existed, which means none
 */
record RevisionRecord(
        String service,
        int number,
        String image,
        Map<String, String> sealedEnv,
        Resources resources,
        int port,
        String createdAt,
        String state,
        String message,
        Map<String, String> env,
        Failure failure,
        String egress,
        List<VolumeMount> volumes) {

    /**
     * A failed start of the revision's app, as the API shows it.
     *
     * @param reason   the runtime's one-line error
     * @param console  the guest console's last lines before it
     * @param at       when it failed (ISO-8601)
     * @param attempts failed starts in a row
     * @param retryAt  when the node tries again (ISO-8601)
     */
    record Failure(String reason, List<String> console, String at, int attempts, String retryAt) {}

    RevisionRecord withState(String s, String m) {
        return new RevisionRecord(
                service, number, image, sealedEnv, resources, port, createdAt, s, m, env, failure, egress, volumes);
    }

    RevisionRecord withFailure(Failure f) {
        return new RevisionRecord(
                service, number, image, sealedEnv, resources, port, createdAt, state, message, env, f, egress, volumes);
    }

    /** The revision's egress policy in its canonical text; {@code none} for older records. */
    String egressOrNone() {
        return egress == null ? "none" : egress;
    }

    /** The volumes its instances mount; none for older records. */
    List<VolumeMount> volumesOrNone() {
        return volumes == null ? List.of() : volumes;
    }

    /** Whether an older version wrote this record with plain env values. */
    boolean hasPlainEnv() {
        return env != null && !env.isEmpty();
    }

    /** This record with its plain env (if any) sealed, everything else unchanged. */
    RevisionRecord sealed(EnvCipher cipher) {
        return hasPlainEnv() || sealedEnv == null
                ? new RevisionRecord(
                        service,
                        number,
                        image,
                        sealedEnvWith(cipher),
                        resources,
                        port,
                        createdAt,
                        state,
                        message,
                        null,
                        failure,
                        egress,
                        volumes)
                : this;
    }

    /** The sealed env, sealing plain values of an older record on the way. */
    Map<String, String> sealedEnvWith(EnvCipher cipher) {
        if (hasPlainEnv()) {
            return cipher.sealAll(env);
        }
        return sealedEnv == null ? Map.of() : sealedEnv;
    }

    /** The values in plain text: only for the spec the node runs, never for an answer or a log. */
    Map<String, String> openEnv(EnvCipher cipher) {
        if (hasPlainEnv()) {
            return env;
        }
        return sealedEnv == null ? Map.of() : cipher.openAll(sealedEnv);
    }

    /** The variables' names, sorted: all the API shows of the env. */
    Set<String> envNames() {
        Set<String> names = new TreeSet<>();
        if (sealedEnv != null) {
            names.addAll(sealedEnv.keySet());
        }
        if (env != null) {
            names.addAll(env.keySet());
        }
        return names;
    }
}
