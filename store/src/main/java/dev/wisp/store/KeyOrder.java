package dev.wisp.store;

import java.util.Comparator;

/**
 * Orders keys by Unicode code point, which is the byte order of UTF-8 and so etcd's order.
 * {@link String#compareTo} differs (it compares UTF-16 units) when a character at or above U+E000
 * meets one above U+FFFF.
 */
final class KeyOrder implements Comparator<String> {

    static final KeyOrder INSTANCE = new KeyOrder();

    private KeyOrder() {}

    @Override
    public int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                if (sx != Character.isSurrogate(y)) {
                    return sx ? 1 : -1; // a surrogate starts a code point above every BMP character
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }
}
