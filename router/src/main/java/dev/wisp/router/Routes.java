package dev.wisp.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The standard {@link ServiceResolver}.
 *
 * <ol>
 *   <li>Explicit path-prefix routes are tried first, longest prefix first. A route may be bound
 *       to one host or apply to every host. A prefix matches whole path segments: {@code /api}
 *       matches {@code /api} and {@code /api/x}, not {@code /apix}. The path is forwarded
 *       unchanged.
 *   <li>Otherwise the Host (port ignored, case-insensitive) names the service: {@code
 *       NAME.localhost} or {@code NAME.<domain>} for each configured domain, where NAME is a
 *       single DNS label.
 * </ol>
 */
public final class Routes implements ServiceResolver {

    private record PrefixRoute(String host, String prefix, String service) {}

    private final List<String> domainSuffixes;
    private final List<PrefixRoute> prefixRoutes;

    private Routes(List<String> domains, List<PrefixRoute> prefixRoutes) {
        this.domainSuffixes = domains.stream().map(d -> "." + d).toList();
        List<PrefixRoute> sorted = new ArrayList<>(prefixRoutes);
        sorted.sort(
                Comparator.comparingInt((PrefixRoute r) -> r.prefix.length()).reversed());
        this.prefixRoutes = List.copyOf(sorted);
    }

    /** Routes by {@code NAME.localhost} only. */
    public static Routes localhost() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String resolve(String hostHeader, String path) {
        String host = hostHeader == null ? null : normalizeHost(hostHeader);
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        for (PrefixRoute r : prefixRoutes) {
            if ((r.host == null || r.host.equals(host)) && segmentPrefix(path, r.prefix)) {
                return r.service;
            }
        }
        if (host == null) {
            return null;
        }
        for (String suffix : domainSuffixes) {
            if (host.length() > suffix.length() && host.endsWith(suffix)) {
                String label = host.substring(0, host.length() - suffix.length());
                return isLabel(label) ? label : null;
            }
        }
        return null;
    }

    /** Lower-cases and strips the port and a trailing dot; keeps IPv6 literals whole. */
    static String normalizeHost(String host) {
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(0, end + 1) : h;
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static boolean segmentPrefix(String path, String prefix) {
        if (prefix.equals("/")) {
            return true;
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    private static boolean isLabel(String s) {
        if (s.isEmpty() || s.length() > 63 || s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Builder; {@code localhost} is always a domain. */
    public static final class Builder {
        private final List<String> domains = new ArrayList<>(List.of("localhost"));
        private final List<PrefixRoute> routes = new ArrayList<>();

        private Builder() {}

        /** Adds a domain: {@code NAME.<domain>} routes to service NAME. */
        public Builder domain(String domain) {
            String d = normalizeHost(Objects.requireNonNull(domain));
            if (d.startsWith(".")) {
                d = d.substring(1);
            }
            if (!domains.contains(d)) {
                domains.add(d);
            }
            return this;
        }

        /** Routes requests whose path starts with {@code prefix} (any host) to {@code service}. */
        public Builder prefix(String prefix, String service) {
            return prefix(null, prefix, service);
        }

        /** Routes requests for {@code host} whose path starts with {@code prefix} to {@code service}. */
        public Builder prefix(String host, String prefix, String service) {
            Objects.requireNonNull(prefix);
            Objects.requireNonNull(service);
            if (!prefix.startsWith("/")) {
                throw new IllegalArgumentException("prefix must start with '/': " + prefix);
            }
            String p = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            routes.add(new PrefixRoute(host == null ? null : normalizeHost(host), p, service));
            return this;
        }

        public Routes build() {
            return new Routes(List.copyOf(domains), routes);
        }
    }
}
