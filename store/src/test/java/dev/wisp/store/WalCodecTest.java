package dev.wisp.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.store.WalRecord.WalOp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalCodecTest {

    @Test
    void framedRecord_decodesToTheSameOpsAndChecksumMatches() {
        WalRecord record = new WalRecord(
                42,
                List.of(
                        new WalOp.Put("k/é\uD83D\uDE00", "v".getBytes(StandardCharsets.UTF_8), 7),
                        new WalOp.Delete("gone"),
                        new WalOp.Grant(7, 10_000, 1_700_000_000_000L),
                        new WalOp.KeepAlive(7, 1_700_000_005_000L),
                        new WalOp.Revoke(3)));

        ByteBuffer frame = WalCodec.frame(record);
        int length = frame.getInt(0);
        int crc = frame.getInt(4);
        ByteBuffer body = frame.position(WalCodec.FRAME_HEADER_BYTES).slice();

        assertThat(body.remaining()).isEqualTo(length);
        assertThat(WalCodec.crc(body)).isEqualTo(crc);
        WalRecord decoded = WalCodec.decode(body);
        assertThat(decoded.revision()).isEqualTo(42);
        assertThat(decoded.ops()).hasSize(5);
        WalOp.Put put = (WalOp.Put) decoded.ops().getFirst();
        assertThat(put.key()).isEqualTo("k/é\uD83D\uDE00");
        assertThat(put.value()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
        assertThat(put.lease()).isEqualTo(7);
        assertThat(decoded.ops().subList(1, 5)).isEqualTo(record.ops().subList(1, 5));
    }
}
