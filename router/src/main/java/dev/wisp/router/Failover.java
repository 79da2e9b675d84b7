package dev.wisp.router;

import io.netty.channel.ConnectTimeoutException;
import java.time.Duration;

/**
 * What one {@link Exchange} does when its current {@link Attempt} fails: sends the request again
 * while that is safe and tries are left (now to an endpoint with room, else after another wait in
 * the service's buffer), else answers 502 or 504, or closes the client once part of the response
 * is on its way. Runs on the client connection's event loop with its exchange, which hands it the
 * attempt's failures.
 */
final class Failover {
    private final Exchange ex;

    Failover(Exchange ex) {
        this.ex = ex;
    }

    /** The try's connection never opened. */
    void connectFailed(Attempt a, Throwable cause) {
        Admission admission = ex.admission;
        admission.service.connectFailed(a.endpoint, cause);
        ex.releaseLease();
        // A connection that never opened carried none of the request: any method may go again.
        againOrFail(
                cause instanceof ConnectTimeoutException,
                "could not connect to " + a.endpoint + " (attempt " + admission.attempts() + " of "
                        + Admission.MAX_ATTEMPTS + "): " + cause);
    }

    /** The try's connection broke; it is closed already. */
    void upstreamFailed(Attempt a, Throwable cause) {
        ex.releaseLease();
        if (!ex.reply.started()) {
            retryOrFail("upstream " + a.endpoint + " failed: " + cause);
        } else {
            // Part of the response is already on its way: closing is the only honest signal left.
            ex.reply.closeClient();
            ex.finish(true);
        }
    }

    /**
     * The try's upstream said nothing for {@code timeout} (the service's response timeout, or the
     * router's upstream idle timeout); it is closed already. Never retried: the app may be working
     * on the request.
     */
    void upstreamIdle(Attempt a, Duration timeout) {
        ex.releaseLease();
        if (!ex.reply.started()) {
            a.endpoint.meters.upstreamTimeouts.increment();
            ex.blamed = a.endpoint;
            ex.respond(LocalAnswer.upstreamTimeout(a.endpoint, timeout));
        } else {
            ex.reply.closeClient();
            ex.finish(true);
        }
    }

    /**
     * The upstream broke before any response byte reached the client. An idempotent request whose
     * bytes sent so far are all kept for replay may go again; any other request may have reached
     * the app (a POST twice is two orders), so it gets a 502.
     */
    private void retryOrFail(String why) {
        if (ex.idempotent && !ex.reply.clientWritten() && !ex.upgrade && ex.body.resendable()) {
            againOrFail(false, why);
        } else {
            ex.respond(LocalAnswer.badGateway(why));
        }
    }

    /**
     * Sends the request again, at most {@link Admission#MAX_ATTEMPTS} tries in all: now to an
     * endpoint with room, else after a wait in the service's buffer ({@link Admission#retryNow},
     * {@link Admission#requeue}). The caller has checked that sending it again is safe.
     */
    private void againOrFail(boolean sameEndpointToo, String why) {
        Admission admission = ex.admission;
        if (!admission.attemptsLeft() || !ex.client.isActive()) {
            ex.respond(LocalAnswer.badGateway(why));
            return;
        }
        EndpointState next = admission.retryNow(sameEndpointToo);
        ex.body.rewind();
        if (next != null) {
            ex.connect(next);
            return;
        }
        ex.state = Exchange.State.REQUEUED; // a grant arrives through execute(), after this method
        if (!admission.requeue()) {
            ex.respond(LocalAnswer.badGateway(why + "; no other endpoint and the wait buffer is full"));
        }
    }
}
