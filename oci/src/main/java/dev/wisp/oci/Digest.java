package dev.wisp.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest; only {@code sha256} is accepted (the only algorithm registries are required to serve). */
public record Digest(String hex) {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new OciException("bad sha256 digest '" + hex + "': need 64 lowercase hex digits");
        }
    }

    /** Parses {@code sha256:<64 hex>}. */
    public static Digest parse(String s) {
        if (s == null || !s.startsWith("sha256:")) {
            throw new OciException("unsupported digest '" + s + "': only sha256:<64 hex> is accepted");
        }
        return new Digest(s.substring("sha256:".length()));
    }

    public static Digest of(byte[] bytes) {
        return new Digest(HexFormat.of().formatHex(sha256().digest(bytes)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Digest of(MessageDigest md) {
        return new Digest(HexFormat.of().formatHex(md.digest()));
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
