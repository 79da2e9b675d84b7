package dev.wisp.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the values of services' environment variables for the state store: AES-256-GCM with a
 * random 96-bit nonce per value and the variable's name as associated data (a sealed value cannot
 * be moved to another name). A sealed value is {@code v1:} + base64(nonce ‖ ciphertext ‖ tag).
 * The key is 32 random bytes in {@code <data>/env.key} (base64, mode 0600), made at first start;
 * it is never logged and never leaves this class.
 */
final class EnvCipher {
    static final String KEY_FILE = "env.key";
    private static final String PREFIX = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final Path file;
    private final SecureRandom random = new SecureRandom();

    private EnvCipher(byte[] key, Path file) {
        this.key = new SecretKeySpec(key, "AES");
        this.file = file;
    }

    /** Writes a fresh random key to {@code file} (0600 from its first byte, then renamed into place). */
    static EnvCipher create(Path file) {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, DataDirectory.FILE_ATTR);
            Files.writeString(
                    tmp,
                    Base64.getEncoder().encodeToString(k) + "\n",
                    StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the env key file " + file, e);
        }
        return new EnvCipher(k, file);
    }

    /** Reads the key file; a file that is not 32 bytes of base64 is refused, naming it. */
    static EnvCipher load(Path file) {
        byte[] k;
        try {
            k = Base64.getDecoder()
                    .decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the env key file " + file, e);
        } catch (IllegalArgumentException e) {
            k = new byte[0];
        }
        if (k.length != KEY_BYTES) {
            throw new IllegalStateException(
                    "the env key file " + file + " is damaged: it must hold " + KEY_BYTES + " bytes in base64");
        }
        return new EnvCipher(k, file);
    }

    Path file() {
        return file;
    }

    String seal(String name, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return PREFIX
                    + Base64.getEncoder()
                            .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                                    .put(nonce)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** @throws IllegalStateException if the value was not sealed with this key (or was altered) */
    String open(String name, String sealed) {
        byte[] raw;
        try {
            raw = sealed != null && sealed.startsWith(PREFIX)
                    ? Base64.getDecoder().decode(sealed.substring(PREFIX.length()))
                    : new byte[0];
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("env " + name + " is not a sealed value in the state store");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("env " + name + " cannot be decrypted with the key in " + file
                    + " (the key file was replaced, or the store altered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** Every value sealed; the order of names is kept. */
    Map<String, String> sealAll(Map<String, String> plain) {
        Map<String, String> out = new LinkedHashMap<>();
        plain.forEach((k, v) -> out.put(k, seal(k, v)));
        return out;
    }

    Map<String, String> openAll(Map<String, String> sealed) {
        Map<String, String> out = new LinkedHashMap<>();
        sealed.forEach((k, v) -> out.put(k, open(k, v)));
        return out;
    }

    @Override
    public String toString() {
        return "EnvCipher[" + file + "]"; // never the key
    }
}
