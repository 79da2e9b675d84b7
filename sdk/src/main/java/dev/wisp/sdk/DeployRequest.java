package dev.wisp.sdk;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/services/{name}/deploy}: omitted (null) fields keep their current value.
 * {@code secrets} names the tenant's secrets that join the env ({@code NAME} or {@code VAR=NAME}),
 * resolved at this deploy. {@code egress}: {@code none}, {@code internet} or {@code HOST:PORT,...}
 * (docs/networking.md). {@code volumes}: the volumes each instance mounts (docs/volumes.md).
 */
@ApiShape
public record DeployRequest(
        String image,
        Map<String, String> env,
        List<String> secrets,
        Resources resources,
        Integer port,
        String egress,
        List<VolumeMount> volumes) {
    /** Without volumes: the last revision's stay. */
    public DeployRequest(
            String image,
            Map<String, String> env,
            List<String> secrets,
            Resources resources,
            Integer port,
            String egress) {
        this(image, env, secrets, resources, port, egress, null);
    }

    /** Without egress: the last revision's stays. */
    public DeployRequest(
            String image, Map<String, String> env, List<String> secrets, Resources resources, Integer port) {
        this(image, env, secrets, resources, port, null);
    }

    /** Without secrets. */
    public DeployRequest(String image, Map<String, String> env, Resources resources, Integer port) {
        this(image, env, null, resources, port);
    }
}
