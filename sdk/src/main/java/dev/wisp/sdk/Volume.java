package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A tenant's persistent volume: an ext4 disk of {@code sizeBytes}; {@code usedBy} names the
 * services whose deployed revisions mount it (it cannot be removed while any does).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Volume(String name, Long sizeBytes, String createdAt, List<String> usedBy) {}
