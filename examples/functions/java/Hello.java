import dev.wisp.function.Function;
import dev.wisp.function.Request;
import dev.wisp.function.Response;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Java function started from a warm snapshot. Its constructor does the slow work once (here a
 * table of primes, standing in for loading configuration or warming a framework); every instance
 * is a clone of the JVM that did it; beforeSnapshot() runs the handler once so that its first real
 * call does no class loading either. afterRestore() reseeds the generator the constructor made,
 * which every clone would otherwise share, state and all.
 */
public class Hello implements Function {
    private final int[] primes = primesBelow(2_000_000);
    private final AtomicInteger restores = new AtomicInteger();
    private volatile SecureRandom random;

    public Hello() throws Exception {
        // Seeded now, so its state is in the snapshot: the reason afterRestore exists.
        random = SecureRandom.getInstance("SHA1PRNG");
        random.nextBytes(new byte[8]);
    }

    @Override
    public void beforeSnapshot() throws Exception {
        // Priming: one call loads and links everything handle() uses, before the snapshot rather
        // than in every clone's first request.
        handle(new Request("POST", "/", "", Map.of(), "priming".getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void afterRestore() throws Exception {
        // Seeded from /dev/urandom itself, which the guest agent reseeded before this runs. Not
        // new SecureRandom(): the JDK's NativePRNG keeps a buffer of urandom bytes for 100 ms of
        // monotonic time, a clock the snapshot froze, so every clone would read the same bytes.
        byte[] seed = new byte[32];
        try (var in = Files.newInputStream(Path.of("/dev/urandom"))) {
            in.readNBytes(seed, 0, seed.length);
        }
        SecureRandom fresh = SecureRandom.getInstance("SHA1PRNG");
        fresh.setSeed(seed);
        random = fresh;
        restores.incrementAndGet();
    }

    @Override
    public Response handle(Request request) throws Exception {
        byte[] token = new byte[8];
        random.nextBytes(token);
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        String name = request.bodyText().isBlank() ? "world" : request.bodyText().strip().replace("\"", "");
        return Response.json("{\"hello\": \"" + name + "\", \"instance\": \"" + host + "\", \"random\": \""
                + HexFormat.of().formatHex(token) + "\", \"restores\": " + restores.get() + ", \"primes\": "
                + primes.length + "}");
    }

    private static int[] primesBelow(int n) {
        boolean[] composite = new boolean[n];
        int count = 0;
        for (int i = 2; i < n; i++) {
            if (!composite[i]) {
                count++;
                for (long j = (long) i * i; j < n; j += i) {
                    composite[(int) j] = true;
                }
            }
        }
        int[] out = new int[count];
        for (int i = 2, k = 0; i < n; i++) {
            if (!composite[i]) {
                out[k++] = i;
            }
        }
        return out;
    }
}
