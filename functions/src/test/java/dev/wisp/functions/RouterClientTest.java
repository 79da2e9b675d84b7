package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RouterClientTest {
    private static FunctionResponse parse(String raw) throws IOException {
        return RouterClient.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void contentLengthResponse_givesStatusTypeAndBody() throws IOException {
        FunctionResponse r =
                parse("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.bodyText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void chunkedResponse_isReassembled() throws IOException {
        FunctionResponse r =
                parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(r.bodyText()).isEqualTo("hello world");
    }

    @Test
    void truncatedResponse_isAnError() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("3 of 10");
        assertThatThrownBy(() -> parse("")).isInstanceOf(IOException.class);
    }
}
