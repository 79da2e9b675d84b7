package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyOrderTest {

    @Test
    void order_matchesUnsignedUtf8ByteOrder() {
        List<String> keys = List.of(
                "",
                "a",
                "ab",
                "b",
                "\u007F",
                "\u0080",
                "\u07FF",
                "\u0800",
                "\uD7FF",
                "\uE000",
                "\uFFFF",
                "\uD800\uDC00",
                "\uD83D\uDE00",
                "a\uD83D\uDE00",
                "a\uFF21",
                "\uDBFF\uDFFF");
        for (String x : keys) {
            for (String y : keys) {
                int expected = Integer.signum(Arrays.compareUnsigned(utf8(x), utf8(y)));
                assertThat(Integer.signum(KeyOrder.INSTANCE.compare(x, y)))
                        .as("%s vs %s", x, y)
                        .isEqualTo(expected);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
