package dev.wisp.runtime;

import dev.wisp.common.EnumText;

/** What the user asked for: a probe ({@link #AUTO}) or one accelerator forced. */
public enum AcceleratorChoice {
    AUTO,
    KVM,
    TCG;

    /** Parses {@code auto|kvm|tcg}, case-insensitively, with a one-line error otherwise. */
    public static AcceleratorChoice parse(String text) {
        return EnumText.parse(AcceleratorChoice.class, text, "accelerator");
    }
}
