package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Autoscaler settings of a service; windows and graces are duration strings such as {@code "60s"}. Null fields are left unchanged on PATCH. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scaling(
        Integer min,
        Integer max,
        Integer initial,
        Double target,
        Double utilization,
        String stableWindow,
        Double panicWindowPercent,
        Double panicThreshold,
        Double maxScaleUpRate,
        Double maxScaleDownRate,
        String scaleToZeroGrace) {
    /** Just the limits (null ones unchanged on PATCH): minimum and maximum instances, target concurrency. */
    public static Scaling limits(Integer min, Integer max, Double target) {
        return new Scaling(min, max, null, target, null, null, null, null, null, null, null);
    }
}
