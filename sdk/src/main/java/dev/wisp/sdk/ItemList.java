package dev.wisp.sdk;

import java.util.List;

/** Listing envelope {@code {"items": [...]}} of every collection route. */
@ApiShape
public record ItemList<T>(List<T> items) {}
