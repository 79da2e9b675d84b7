package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnumTextTest {
    enum Fruit {
        APPLE,
        PEAR,
        PLUM
    }

    enum Single {
        ONLY
    }

    @Test
    void nameInAnyCaseWithBlanks_isItsConstant() {
        assertThat(EnumText.parse(Fruit.class, " pEaR\n", "fruit")).isEqualTo(Fruit.PEAR);
        assertThat(EnumText.parse(Fruit.class, "APPLE", "fruit")).isEqualTo(Fruit.APPLE);
    }

    @Test
    void unknownName_failsWithOneLineListingTheChoices() {
        assertThatThrownBy(() -> EnumText.parse(Fruit.class, "kiwi", "fruit"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown fruit 'kiwi': use apple, pear or plum");
    }

    @Test
    void nullOrBlank_failsLikeAnUnknownName() {
        assertThatThrownBy(() -> EnumText.parse(Fruit.class, null, "fruit"))
                .hasMessage("unknown fruit 'null': use apple, pear or plum");
        assertThatThrownBy(() -> EnumText.parse(Single.class, " ", "mode")).hasMessage("unknown mode ' ': use only");
    }
}
