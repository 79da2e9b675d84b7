package dev.wisp.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per API token: {@code rate} requests per second on average, bursts up to {@code burst}. */
final class RateLimiter {
    private final double rate;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double ratePerSecond, int burst) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.rate = ratePerSecond;
        this.burst = burst;
    }

    /** Takes one request from the key's bucket; false means the caller gets 429. */
    boolean tryAcquire(String key, long nowNanos) {
        if (buckets.size() > 100_000) {
            buckets.clear(); // bounded memory: tokens are few; forgetting buckets only forgives
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
        synchronized (b) {
            double elapsed = (nowNanos - b.at) / 1e9;
            b.tokens = Math.min(burst, b.tokens + elapsed * rate);
            b.at = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
