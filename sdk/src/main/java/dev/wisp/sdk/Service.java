package dev.wisp.sdk;

import java.util.List;
import java.util.Map;

/**
 * A service as the API shows it. {@code tenant}, {@code envNames}, {@code revision}, {@code latestRevision},
 * {@code url}, {@code status}, {@code targetRevision} (the revision traffic is moving to), {@code nodeServices}
 * (each deployed revision's name on the node, the {@code service} label of its metrics) and {@code failure} (why
 * its newest revision could not start, while it cannot) are read-only. {@code env} is write-only: sent on create,
 * never returned (the API shows the variables' names in {@code envNames}); so is {@code secrets}, the
 * tenant's secrets that join the env on create ({@code NAME} or {@code VAR=NAME}), and {@code volumes},
 * the volumes each instance mounts (docs/volumes.md).
 */
@ApiShape
public record Service(
        String name,
        String tenant,
        String image,
        Map<String, String> env,
        List<String> envNames,
        Resources resources,
        Integer port,
        Scaling scaling,
        Standby standby,
        String access,
        Integer revision,
        Integer latestRevision,
        String url,
        ServiceStatus status,
        Integer targetRevision,
        List<String> nodeServices,
        Failure failure,
        List<String> secrets,
        String egress,
        List<VolumeMount> volumes) {
    /** A create request with only the required fields: the server's defaults for everything else. */
    public static Service of(String name, String image) {
        return builder(name, image).build();
    }

    /** A create (or apply) request: the fields a client sets; the server fills in the read-only ones. */
    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** Builds a create request; every field left unset is the server's default. */
    public static final class Builder {
        private final String name;
        private final String image;
        private Map<String, String> env;
        private Resources resources;
        private Integer port;
        private Scaling scaling;
        private Standby standby;
        private String access;
        private List<String> secrets;
        private String egress;
        private List<VolumeMount> volumes;

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        /** Environment variables (write-only: the API shows their names). */
        public Builder env(Map<String, String> env) {
            this.env = env;
            return this;
        }

        /** vCPUs and memory of each instance. */
        public Builder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        /** The port the app listens on. */
        public Builder port(Integer port) {
            this.port = port;
            return this;
        }

        /** Instance limits and target concurrency. */
        public Builder scaling(Scaling scaling) {
            this.scaling = scaling;
            return this;
        }

        /** How idle instances sleep. */
        public Builder standby(Standby standby) {
            this.standby = standby;
            return this;
        }

        /** Who may call it: {@code public} or {@code private}. */
        public Builder access(String access) {
            this.access = access;
            return this;
        }

        /** The tenant's secrets that join the env: {@code NAME} or {@code VAR=NAME}. */
        public Builder secrets(List<String> secrets) {
            this.secrets = secrets;
            return this;
        }

        /** What the instances may reach: {@code none} (default), {@code internet}, or {@code HOST:PORT,...}. */
        public Builder egress(String egress) {
            this.egress = egress;
            return this;
        }

        /** The volumes each instance mounts: one of {@code NAME}, {@code NAME-1}... per instance. */
        public Builder volumes(List<VolumeMount> volumes) {
            this.volumes = volumes;
            return this;
        }

        public Service build() {
            return new Service(
                    name, null, image, env, null, resources, port, scaling, standby, access, null, null, null, null,
                    null, null, null, secrets, egress, volumes);
        }
    }
}
