package dev.wisp.sdk;

import java.util.List;

/**
 * Why a revision's app could not start: the last failed start since one last succeeded.
 *
 * @param reason   the runtime's one-line error, e.g. {@code entrypoint exited with code 1 before it was ready}
 * @param console  the guest console's last lines before the failure (the real cause, usually)
 * @param at       when it failed (ISO-8601)
 * @param attempts failed starts in a row
 * @param retryAt  when the platform tries again, while the revision is deployed (ISO-8601)
 * @param revision on a service: the revision that failed (its newest)
 * @param state    on a service: that revision's state ({@code warming} while retrying, {@code failed})
 */
@ApiShape
public record Failure(
        String reason,
        List<String> console,
        String at,
        Integer attempts,
        String retryAt,
        Integer revision,
        String state) {}
