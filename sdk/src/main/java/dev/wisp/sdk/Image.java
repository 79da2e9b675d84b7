package dev.wisp.sdk;

import java.util.List;

/** An uploaded guest image and the services whose revisions use it. */
@ApiShape
public record Image(String id, String tenant, Long sizeBytes, String createdAt, List<String> usedBy) {}
