package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The answer to a drain.
 *
 * @param name the node
 * @param state {@code draining}
 * @param changed false if it was draining already
 * @param note what draining does and does not do yet
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrainResult(String name, String state, boolean changed, String note) {}
