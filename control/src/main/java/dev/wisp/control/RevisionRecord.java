package dev.wisp.control;

import java.util.Map;

/**
 * One immutable deploy of a service, stored under {@code /revisions/<tenant>/<name>/<number>};
 * only {@code state} and {@code message} change after creation.
 *
 * @param state warming, ready, serving, retired or failed
 */
record RevisionRecord(String service, int number, String image, Map<String, String> env, Resources resources,
                      int port, String createdAt, String state, String message) {

    RevisionRecord withState(String s, String m) {
        return new RevisionRecord(service, number, image, env, resources, port, createdAt, s, m);
    }
}
