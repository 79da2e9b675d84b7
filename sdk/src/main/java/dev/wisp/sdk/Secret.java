package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A tenant's secret as the API lists it: its name and a digest of its value (16 hex digits; equal
 * values of one secret have equal digests). The value itself is never returned.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Secret(String name, String digest, String createdAt, String updatedAt) {}
