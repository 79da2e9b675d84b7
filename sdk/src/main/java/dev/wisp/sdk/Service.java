package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A service as the API shows it. {@code tenant}, {@code envNames}, {@code revision}, {@code latestRevision},
 * {@code url}, {@code status}, {@code targetRevision} (the revision traffic is moving to), {@code nodeServices}
 * (each deployed revision's name on the node, the {@code service} label of its metrics) and {@code failure} (why
 * its newest revision could not start, while it cannot) are read-only. {@code env} is write-only: sent on create,
 * never returned (the API shows the variables' names in {@code envNames}); so is {@code secrets}, the
 * tenant's secrets that join the env on create ({@code NAME} or {@code VAR=NAME}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
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
        String egress) {
    /** Without {@code egress} (the server's default, {@code none}, on a create). */
    public Service(
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
            List<String> secrets) {
        this(
                name,
                tenant,
                image,
                env,
                envNames,
                resources,
                port,
                scaling,
                standby,
                access,
                revision,
                latestRevision,
                url,
                status,
                targetRevision,
                nodeServices,
                failure,
                secrets,
                null);
    }

    /** Without the fields added later ({@code targetRevision}, {@code nodeServices}, {@code failure}): a create request, or older code. */
    public Service(
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
            ServiceStatus status) {
        this(
                name,
                tenant,
                image,
                env,
                envNames,
                resources,
                port,
                scaling,
                standby,
                access,
                revision,
                latestRevision,
                url,
                status,
                null,
                null,
                null,
                null,
                null);
    }

    /** A create request with only the required fields: the server's defaults for everything else. */
    public static Service of(String name, String image) {
        return new Service(name, null, image, null, null, null, null, null, null, null, null, null, null, null);
    }
}
