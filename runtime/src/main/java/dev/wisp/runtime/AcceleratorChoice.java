package dev.wisp.runtime;

import java.util.Locale;

/** What the user asked for: a probe ({@link #AUTO}) or one accelerator forced. */
public enum AcceleratorChoice {
    AUTO,
    KVM,
    TCG;

    /** Parses {@code auto|kvm|tcg}, case-insensitively, with a one-line error otherwise. */
    public static AcceleratorChoice parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown accelerator '" + text + "': use auto, kvm or tcg");
        }
    }
}
