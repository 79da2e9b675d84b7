package dev.wisp.control;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Names a revision's service on the node: {@code <service>-r<revision>-<hash>}, where the hash
 * (6 hex digits of SHA-256) covers tenant, service and settings generation, so two tenants'
 * services never share a node service and a change of settings deploys afresh. Stable across
 * restarts, which lets the node adopt the standby snapshots a predecessor left. Within the
 * node's rule (1-30 of a-z, 0-9, '-'); the service part is shortened if needed.
 */
final class NodeKeys {
    static final int MAX = 30;

    private NodeKeys() {}

    private static final Pattern CONTROL_KEY = Pattern.compile(".+-r\\d+-[0-9a-f]{6}");

    /** Whether a node service name has the shape of a key made here. */
    static boolean isControlKey(String key) {
        return CONTROL_KEY.matcher(key).matches();
    }

    static String key(String tenant, String service, int revision, long generation) {
        String hash = Tokens.sha256Hex((tenant + "/" + service + "/" + generation).getBytes(StandardCharsets.UTF_8))
                .substring(0, 6);
        String suffix = "-r" + revision + "-" + hash;
        String head = service;
        if (head.length() + suffix.length() > MAX) {
            head = head.substring(0, MAX - suffix.length());
            while (head.endsWith("-")) {
                head = head.substring(0, head.length() - 1);
            }
            if (head.isEmpty()) {
                head = "s";
            }
        }
        return head + suffix;
    }
}
