package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A node's capacity, what is allocated on it, its instances per tier and its router's URL. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeInfo(String name, Resources capacity, Resources allocated, TierCounts instances, String routerUrl) {}
