package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Body of {@code POST /v1/services/{name}/deploy}: omitted (null) fields keep their current value. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeployRequest(String image, Map<String, String> env, Resources resources, Integer port) {}
