package dev.wisp.sdk;

import java.util.List;

/**
 * An immutable revision of a service; {@code state} is one of warming, ready, serving, retired, failed.
 * {@code envNames} names its environment variables (their values are never returned). {@code failure}
 * says why its last start failed, while none has succeeded since. {@code egress}: where its guests may
 * connect to ({@code none}, {@code internet} or {@code HOST:PORT,...}). {@code volumes}: what each instance mounts.
 */
@ApiShape
public record Revision(
        String service,
        Integer number,
        String image,
        List<String> envNames,
        Resources resources,
        Integer port,
        String createdAt,
        String state,
        String message,
        Failure failure,
        String egress,
        List<VolumeMount> volumes) {}
