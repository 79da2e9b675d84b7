package dev.wisp.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One {@code WWW-Authenticate} challenge: its scheme (lowercase) and parameters (realm, service, scope). */
record Challenge(String scheme, Map<String, String> params) {

    /** The first Bearer or Basic challenge among the header values, or null when there is none. */
    static Challenge pick(List<String> headerValues) {
        Challenge basic = null;
        for (String v : headerValues) {
            Challenge c = parse(v);
            if (c == null) {
                continue;
            }
            if (c.scheme.equals("bearer")) {
                return c;
            }
            if (c.scheme.equals("basic") && basic == null) {
                basic = c;
            }
        }
        return basic;
    }

    /** Parses {@code Scheme k="v", k2=v2}; null when the value has no scheme. */
    static Challenge parse(String value) {
        String s = value.strip();
        int sp = s.indexOf(' ');
        String scheme = (sp < 0 ? s : s.substring(0, sp)).toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = sp < 0 ? s.length() : sp + 1;
        while (i < s.length()) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder val = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    val.append(s.charAt(i++));
                }
                i++; // closing quote
            } else {
                while (i < s.length() && s.charAt(i) != ',') {
                    val.append(s.charAt(i++));
                }
            }
            params.put(key, val.toString().strip());
        }
        return new Challenge(scheme, params);
    }
}
