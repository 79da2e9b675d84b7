package dev.wisp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wisp.sdk.WispJson;
import java.io.UncheckedIOException;

/** {@code --json} output of the API commands: the API's own shapes, indented, nulls left out. */
final class Json {
    private static final ObjectMapper PRETTY = WispJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = WispJson.mapper();

    private Json() {}

    static String pretty(Object o) {
        try {
            return PRETTY.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One JSON document per line, for streams (events --follow). */
    static String line(Object o) {
        try {
            return LINE.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
