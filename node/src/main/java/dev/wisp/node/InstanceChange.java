package dev.wisp.node;

import java.time.Duration;

/**
 * An instance moved between tiers: woke, went to sleep, was adopted or went away.
 *
 * @param service    the node service key
 * @param instanceId the instance
 * @param from       {@code none}, {@code running}, {@code paused} or {@code snapshotted}
 * @param to         {@code running}, {@code paused}, {@code snapshotted} or {@code gone}
 * @param via        how: a wake path ({@code resume_paused}, {@code restore_snapshot},
 *                   {@code clone_template}, {@code cold_boot}), a standby step ({@code pause},
 *                   {@code snapshot}, {@code retire}), {@code adopt} (left by an earlier node),
 *                   {@code lost} (its VM died) or {@code remove}
 * @param took       how long the operation took (zero when it took no operation)
 */
public record InstanceChange(String service, String instanceId, String from, String to, String via, Duration took) {}
