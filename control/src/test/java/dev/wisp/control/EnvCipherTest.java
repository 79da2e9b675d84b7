package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvCipherTest {
    @TempDir
    Path dir;

    @Test
    void sealedValue_opensWithTheKeyFromItsFile_andHidesThePlainText() throws Exception {
        EnvCipher made = EnvCipher.create(dir.resolve("env.key"));
        String sealed = made.seal("SECRET", "hunter2 with spaces");
        assertThat(sealed).startsWith("v1:").doesNotContain("hunter2");
        assertThat(new String(Base64.getDecoder().decode(sealed.substring(3)), StandardCharsets.ISO_8859_1))
                .doesNotContain("hunter2");
        assertThat(EnvCipher.load(dir.resolve("env.key")).open("SECRET", sealed))
                .isEqualTo("hunter2 with spaces");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("env.key"))))
                .isEqualTo("rw-------");
        assertThat(made.toString())
                .doesNotContain(Files.readString(dir.resolve("env.key")).trim());
    }

    @Test
    void sameValueTwice_getsDifferentNonces() {
        EnvCipher c = EnvCipher.create(dir.resolve("env.key"));
        assertThat(c.seal("A", "same")).isNotEqualTo(c.seal("A", "same"));
        assertThat(c.open("A", c.seal("A", ""))).isEmpty();
    }

    @Test
    void valueMovedToAnotherName_alteredOrUnderAnotherKey_isRefusedNamingTheVariable() {
        EnvCipher c = EnvCipher.create(dir.resolve("env.key"));
        String sealed = c.seal("A", "value");
        assertThatThrownBy(() -> c.open("B", sealed)).hasMessageContaining("env B cannot be decrypted");
        char last = sealed.charAt(sealed.length() - 3);
        String altered = sealed.substring(0, sealed.length() - 3)
                + (last == 'A' ? 'B' : 'A')
                + sealed.substring(sealed.length() - 2);
        assertThatThrownBy(() -> c.open("A", altered)).hasMessageContaining("env A cannot be decrypted");
        EnvCipher other = EnvCipher.create(dir.resolve("other.key"));
        assertThatThrownBy(() -> other.open("A", sealed)).hasMessageContaining("other.key");
        assertThatThrownBy(() -> c.open("A", "plain")).hasMessage("env A is not a sealed value in the state store");
    }

    @Test
    void damagedKeyFile_isRefusedWithItsName() throws Exception {
        Files.writeString(dir.resolve("env.key"), "not base64 at all\n");
        assertThatThrownBy(() -> EnvCipher.load(dir.resolve("env.key")))
                .hasMessageContaining("env.key is damaged: it must hold 32 bytes in base64");
        Files.writeString(dir.resolve("env.key"), Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> EnvCipher.load(dir.resolve("env.key"))).hasMessageContaining("is damaged");
    }
}
