package dev.wisp.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** API tokens: {@code wisp_} + 32 base32 characters (160 bits); only their SHA-256 is ever stored. */
final class Tokens {
    static final String PREFIX = "wisp_";
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    static String newToken() {
        return PREFIX + random(32);
    }

    static String newTokenId() {
        return "tok_" + random(12);
    }

    static String random(int chars) {
        StringBuilder b = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            b.append(BASE32[RANDOM.nextInt(32)]);
        }
        return b.toString();
    }

    /** Well-formed token text: cheap to check before hashing, and bounded. */
    static boolean wellFormed(String token) {
        if (token == null || token.length() != PREFIX.length() + 32 || !token.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }

    static String hash(String token) {
        return sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
