package dev.wisp.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.store.StoreException;
import java.io.IOException;

/** The records' JSON: unknown fields are ignored, so a newer node's record reads on an older one. */
final class ClusterJson {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ClusterJson() {}

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T read(byte[] json, Class<T> type, String key) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new StoreException(key + " does not hold a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
