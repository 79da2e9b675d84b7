package dev.wisp.control;

import java.util.regex.Pattern;

/** The name rule for tenants and services: it keeps them valid as DNS labels and store key segments. */
final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?");
    private static final Pattern TOKEN_ID = Pattern.compile("tok_[a-z0-9]{1,32}");
    static final String RULE = "1-30 of a-z, 0-9 and '-', not starting or ending with '-', no '--'";

    private Names() {}

    static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("--");
    }

    /** Returns the name or throws 400 {@code invalid_name} naming the field and the rule. */
    static String require(String what, String name) {
        if (!valid(name)) {
            throw new ApiException(400, "invalid_name", "invalid " + what + " name '" + shorten(name) + "': " + RULE);
        }
        return name;
    }

    static boolean validTokenId(String id) {
        return id != null && TOKEN_ID.matcher(id).matches();
    }

    /** Echoes at most 40 characters of user input back in messages. */
    static String shorten(String s) {
        if (s == null) {
            return "";
        }
        String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
