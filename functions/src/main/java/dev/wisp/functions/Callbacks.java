package dev.wisp.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.common.Closing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs a finished invocation's result to its callback URL: 3 tries, 0.5 s then 1 s apart, only to
 * addresses the {@link AddressPolicy} allows, checked when the invocation is accepted and again on
 * the address each try connects to (resolved once per try; redirects are not followed).
 *
 * <p>The invocation record only says {@value #DELIVERED} (the receiver answered 2xx) or
 * {@value #NOT_DELIVERED}, and the latter never sooner than {@link #DEFAULT_REPORT_FLOOR} after
 * delivery began: a refused connection, a timeout and an HTTP 401 look the same, so callbacks cannot
 * scan the network. Why a callback was not delivered goes to the platform's log.
 */
final class Callbacks {
    static final int TRIES = 3;
    static final String DELIVERED = "delivered";
    static final String NOT_DELIVERED = "not delivered";
    /** Longer than 3 tries can take (5 s connect + 10 s answer each, 1.5 s apart). */
    static final Duration DEFAULT_REPORT_FLOOR = Duration.ofSeconds(60);

    private static final System.Logger LOG = System.getLogger(Callbacks.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STATUS_LINE = 8192;
    /** Closes a try's socket at its deadline, whatever it is blocked in (DNS aside). */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("wisp-fn-callback-deadline").unstarted(r));

    private final AddressPolicy policy;
    private final Duration connectTimeout;
    private final Duration tryTimeout;
    private final Duration reportFloor;

    Callbacks(AddressPolicy policy) {
        this(policy, Duration.ofSeconds(5), Duration.ofSeconds(15), DEFAULT_REPORT_FLOOR);
    }

    /** @param tryTimeout one try from connect to the receiver's status line */
    Callbacks(AddressPolicy policy, Duration connectTimeout, Duration tryTimeout, Duration reportFloor) {
        this.policy = policy;
        this.connectTimeout = connectTimeout;
        this.tryTimeout = tryTimeout;
        this.reportFloor = reportFloor;
    }

    /**
     * Checks a callback URL when the invocation is accepted, so a bad or refused one is a 400, not a
     * silent loss: an absolute http(s) URL without user info whose host resolves only to addresses
     * the policy allows.
     *
     * @return the URL to store, or null if none was given
     */
    static String validate(String url, AddressPolicy policy) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            throw new FunctionException(
                    FunctionException.Code.BAD_REQUEST, "callback URL must be an absolute http(s) URL: " + url);
        }
        if (u.getRawUserInfo() != null) {
            throw new FunctionException(
                    FunctionException.Code.BAD_REQUEST, "callback URL must not contain user info: " + url);
        }
        try {
            policy.resolve(u.getHost());
        } catch (AddressPolicy.Refused e) {
            throw new FunctionException(
                    FunctionException.Code.BAD_REQUEST,
                    "callback URL refused: " + e.getMessage()
                            + "; callbacks go to public addresses only, unless the operator allows a network (wisp up --allow-callback-net)");
        }
        return u.toString();
    }

    /** @return {@value #DELIVERED} or {@value #NOT_DELIVERED} */
    String deliver(Invocation inv) {
        long start = System.nanoTime();
        List<String> why = new ArrayList<>();
        try {
            byte[] body = JSON.writeValueAsBytes(inv.toApi());
            URI url = URI.create(inv.callbackUrl());
            for (int i = 0; i < TRIES; i++) {
                if (i > 0) {
                    Thread.sleep(500L << (i - 1));
                }
                try {
                    int code = post(url, inv.id(), body);
                    if (code >= 200 && code < 300) {
                        LOG.log(
                                System.Logger.Level.DEBUG,
                                "callback of {0} to {1} delivered: HTTP {2}",
                                inv.id(),
                                url,
                                code);
                        return DELIVERED;
                    }
                    why.add("HTTP " + code);
                    if (code < 500) {
                        break; // the receiver answered; asking again changes nothing
                    }
                } catch (AddressPolicy.Refused e) {
                    why.add("refused: " + e.detail());
                } catch (IOException e) {
                    why.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "callback of {0} to {1} not delivered: {2}",
                    inv.id(),
                    url,
                    String.join("; ", why));
            long left = reportFloor.toNanos() - (System.nanoTime() - start);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "callback of " + inv.id() + " not delivered", e);
        }
        return NOT_DELIVERED;
    }

    /** One try: connect to a checked address, POST, read the status line. @return the HTTP status */
    private int post(URI url, String id, byte[] body) throws IOException, AddressPolicy.Refused {
        boolean https = "https".equals(url.getScheme());
        int port = url.getPort() < 0 ? (https ? 443 : 80) : url.getPort();
        String host = url.getHost();
        List<InetAddress> addresses = policy.resolve(host);
        AtomicReference<Socket> current = new AtomicReference<>();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(
                () -> {
                    expired.set(true);
                    Closing.quietly(LOG, current.get());
                },
                tryTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try (Socket socket = connect(addresses, port, current, expired)) {
            Socket io = socket;
            if (https) {
                String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                SSLSocket tls = (SSLSocket)
                        ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, name, port, true);
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!name.contains(":") && !name.matches("[0-9.]+")) {
                    params.setServerNames(List.of(new SNIHostName(name)));
                }
                tls.setSSLParameters(params);
                tls.startHandshake();
                io = tls;
            }
            String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            String head = "POST " + target + " HTTP/1.1\r\n"
                    + "Host: " + host + (url.getPort() < 0 ? "" : ":" + port) + "\r\n"
                    + "User-Agent: wisp-callback\r\n"
                    + "Content-Type: application/json\r\n"
                    + "X-Wisp-Invocation-Id: " + id + "\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n";
            OutputStream out = io.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return status(io.getInputStream());
        } catch (IOException e) {
            if (expired.get()) {
                throw new SocketTimeoutException("no answer within " + tryTimeout.toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /** Connects to the first of the checked addresses that answers; never to anything else. */
    private Socket connect(
            List<InetAddress> addresses, int port, AtomicReference<Socket> current, AtomicBoolean expired)
            throws IOException {
        IOException last = new IOException("no address");
        for (InetAddress a : addresses) {
            Socket s = new Socket();
            current.set(s);
            if (expired.get()) {
                break;
            }
            try {
                s.connect(new InetSocketAddress(a, port), (int) connectTimeout.toMillis());
                return s;
            } catch (IOException e) {
                last = e;
            }
        }
        if (expired.get()) {
            throw new SocketTimeoutException("callback try ran out of time");
        }
        throw last;
    }

    private static int status(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.size() >= MAX_STATUS_LINE) {
                throw new IOException("no HTTP status line");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1).strip();
        String[] parts = s.split(" ", 3);
        if (parts.length < 2
                || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/1.")
                || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP status line");
        }
        return Integer.parseInt(parts[1]);
    }
}
