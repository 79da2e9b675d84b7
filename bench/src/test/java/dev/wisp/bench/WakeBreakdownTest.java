package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WakeBreakdownTest {
    private static HttpProbe.Timed ms(double millis) {
        return new HttpProbe.Timed(0, (long) (millis * 1e6), (long) (millis * 1e6) + 1);
    }

    @Test
    void warm_twiceARound_takesTheMedianOverBothPairs() {
        WakeBreakdown b = new WakeBreakdown();
        b.warm(ms(9), ms(3)); // router first: the guest still settling
        b.warm(ms(5), ms(4)); // router last
        b.warm(ms(7), ms(2));

        assertThat(b.medians())
                .extracting(WakeBreakdown.Part::step, WakeBreakdown.Part::medianMs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("(then a request through the router, to its answer)", 7.0),
                        org.assertj.core.groups.Tuple.tuple("(then a request straight to the VM, to its answer)", 3.0));
    }
}
