package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A service as the API shows it. {@code envNames}, {@code revision}, {@code latestRevision}, {@code url} and
 * {@code status} are read-only. {@code env} is write-only: sent on create, never returned (the API
 * shows the variables' names in {@code envNames}). {@code failure} (read-only) says why its newest
 * revision could not start, while it cannot.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(String name, String tenant, String image, Map<String, String> env, List<String> envNames,
                      Resources resources, Integer port,
                      Scaling scaling, Standby standby, String access, Integer revision, Integer latestRevision,
                      String url, ServiceStatus status, Failure failure) {
    /** A service without a failure (what a create sends). */
    public Service(String name, String tenant, String image, Map<String, String> env, List<String> envNames,
                   Resources resources, Integer port, Scaling scaling, Standby standby, String access, Integer revision,
                   Integer latestRevision, String url, ServiceStatus status) {
        this(name, tenant, image, env, envNames, resources, port, scaling, standby, access, revision, latestRevision,
                url, status, null);
    }

    /** A create request with only the required fields: the server's defaults for everything else. */
    public static Service of(String name, String image) {
        return new Service(name, null, image, null, null, null, null, null, null, null, null, null, null, null);
    }
}
