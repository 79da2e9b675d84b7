package dev.wisp.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enum constants as people write them: the constant's name in any case, blanks around ignored. */
public final class EnumText {
    private EnumText() {}

    /**
     * The constant of {@code type} that {@code text} names.
     *
     * @param what what the value is, for the error: {@code unknown WHAT 'x': use a, b or c}
     * @throws IllegalArgumentException with that one-line message when {@code text} is null or names none
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + text + "': use " + choices(type));
    }

    /** The constants' names in lower case: {@code a, b or c}. */
    static String choices(Class<? extends Enum<?>> type) {
        String[] names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .toArray(String[]::new);
        if (names.length == 1) {
            return names[0];
        }
        return Arrays.stream(names, 0, names.length - 1).collect(Collectors.joining(", ")) + " or "
                + names[names.length - 1];
    }
}
