package dev.wisp.router;

import java.time.Duration;
import java.util.Objects;

/**
 * Listener, limit and timeout settings of a {@link RouterServer}. Every limit is explicit; the
 * defaults are those of nginx where it has one, noted per field.
 *
 * @param bindHost address to listen on (default loopback; the CLI decides to expose it)
 * @param port port to listen on; 0 picks a free one ({@link RouterServer#start()} returns it)
 * @param ioThreads event loop threads (default: available processors)
 * @param maxInitialLineLength longest request line accepted, else 414 (default 8 KiB, like
 *     nginx's {@code large_client_header_buffers} buffer size)
 * @param maxHeaderSize total header bytes accepted, else 431 (default 32 KiB: nginx's 4 x 8k)
 * @param maxChunkSize largest body piece the codec hands on at once (does not limit bodies)
 * @param clientIdleTimeout closes a client connection idle between requests (nginx's {@code
 *     keepalive_timeout} is 75 s; 60 s here) and WebSocket tunnels silent in both directions
 * @param upstreamIdleTimeout closes a pooled upstream connection idle this long, and fails a
 *     request whose upstream is silent this long (504 before the response, like nginx's {@code
 *     proxy_read_timeout} of 60 s)
 * @param connectTimeout upstream connect timeout (instances are local: 2 s, not nginx's 60 s)
 * @param maxIdleUpstreamPerEndpoint pooled idle connections kept per endpoint per event loop
 * @param drainTimeout how long {@link RouterServer#close()} waits for in-flight requests
 * @param retryAfter value of the {@code Retry-After} header on 503 answers
 * @param trustForwardedHeaders keep a client's {@code X-Forwarded-Proto/-Host} (set when a
 *     trusted proxy sits in front); {@code X-Forwarded-For} is always appended to
 */
public record RouterConfig(
        String bindHost,
        int port,
        int ioThreads,
        int maxInitialLineLength,
        int maxHeaderSize,
        int maxChunkSize,
        Duration clientIdleTimeout,
        Duration upstreamIdleTimeout,
        Duration connectTimeout,
        int maxIdleUpstreamPerEndpoint,
        Duration drainTimeout,
        Duration retryAfter,
        boolean trustForwardedHeaders) {

    public RouterConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        requireNotNegative("clientIdleTimeout", clientIdleTimeout);
        requireNotNegative("upstreamIdleTimeout", upstreamIdleTimeout);
        requireNotNegative("connectTimeout", connectTimeout);
        requireNotNegative("drainTimeout", drainTimeout);
        requireNotNegative("retryAfter", retryAfter);
        if (port > 65535) {
            throw new IllegalArgumentException("router config: port must be <= 65535, was " + port);
        }
        requireAtLeast("port", port, 0);
        requireAtLeast("ioThreads", ioThreads, 1);
        requireAtLeast("maxInitialLineLength", maxInitialLineLength, 64);
        requireAtLeast("maxHeaderSize", maxHeaderSize, 256);
        requireAtLeast("maxChunkSize", maxChunkSize, 256);
        requireAtLeast("maxIdleUpstreamPerEndpoint", maxIdleUpstreamPerEndpoint, 0);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("router config: " + name + " must not be negative, was " + value);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("router config: " + name + " must be >= " + min + ", was " + value);
        }
    }

    public static RouterConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder starting from the defaults. */
    public static final class Builder {
        private String bindHost = "127.0.0.1";
        private int port = 0;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private int maxInitialLineLength = 8 * 1024;
        private int maxHeaderSize = 32 * 1024;
        private int maxChunkSize = 16 * 1024;
        private Duration clientIdleTimeout = Duration.ofSeconds(60);
        private Duration upstreamIdleTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private int maxIdleUpstreamPerEndpoint = 64;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private Duration retryAfter = Duration.ofSeconds(1);
        private boolean trustForwardedHeaders = false;

        private Builder() {}

        public Builder bindHost(String v) {
            bindHost = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder ioThreads(int v) {
            ioThreads = v;
            return this;
        }

        public Builder maxInitialLineLength(int v) {
            maxInitialLineLength = v;
            return this;
        }

        public Builder maxHeaderSize(int v) {
            maxHeaderSize = v;
            return this;
        }

        public Builder maxChunkSize(int v) {
            maxChunkSize = v;
            return this;
        }

        public Builder clientIdleTimeout(Duration v) {
            clientIdleTimeout = v;
            return this;
        }

        public Builder upstreamIdleTimeout(Duration v) {
            upstreamIdleTimeout = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder maxIdleUpstreamPerEndpoint(int v) {
            maxIdleUpstreamPerEndpoint = v;
            return this;
        }

        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder retryAfter(Duration v) {
            retryAfter = v;
            return this;
        }

        public Builder trustForwardedHeaders(boolean v) {
            trustForwardedHeaders = v;
            return this;
        }

        public RouterConfig build() {
            return new RouterConfig(
                    bindHost,
                    port,
                    ioThreads,
                    maxInitialLineLength,
                    maxHeaderSize,
                    maxChunkSize,
                    clientIdleTimeout,
                    upstreamIdleTimeout,
                    connectTimeout,
                    maxIdleUpstreamPerEndpoint,
                    drainTimeout,
                    retryAfter,
                    trustForwardedHeaders);
        }
    }
}
