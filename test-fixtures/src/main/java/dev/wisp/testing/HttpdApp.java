package dev.wisp.testing;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The standard test guest: busybox httpd serving {@code www/} on port 8080, with a page at
 * {@code /} and CGI scripts under {@code /cgi-bin/}. Written to a folder, then built into an image.
 */
public final class HttpdApp {
    /** How the guest starts the server. */
    public static final String ENTRYPOINT = "httpd -f -p 8080 -h www";

    public static final int PORT = 8080;
    /** The start of a CGI script answering plain text: append the commands that print the body. */
    public static final String CGI_TEXT = "#!/bin/sh\necho 'Content-Type: text/plain'\necho\n";

    private final Path dir;
    private String page = "hello from a test guest\n";
    private final Map<String, String> cgi = new LinkedHashMap<>();

    private HttpdApp(Path dir) {
        this.dir = dir;
    }

    /** An app to be written into {@code dir}. */
    public static HttpdApp in(Path dir) {
        return new HttpdApp(dir);
    }

    /** What {@code /} (www/index.html) answers, exactly. */
    public HttpdApp page(String text) {
        this.page = text;
        return this;
    }

    /** An executable {@code www/cgi-bin/NAME} with the whole {@code script} (see {@link #CGI_TEXT}). */
    public HttpdApp cgi(String name, String script) {
        cgi.put(name, script);
        return this;
    }

    /** Writes the folder (again, if it exists) and returns it. */
    public Path write() {
        try {
            Files.createDirectories(dir.resolve("www/cgi-bin"));
            Files.writeString(dir.resolve("www/index.html"), page);
            for (Map.Entry<String, String> e : cgi.entrySet()) {
                Path script = dir.resolve("www/cgi-bin").resolve(e.getKey());
                Files.writeString(script, e.getValue());
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the folder and builds it with {@link #ENTRYPOINT} into the Wisp home's image store. */
    public Image build() {
        return build(ENTRYPOINT, new ImageStore(WispHome.resolve()));
    }

    /** Writes the folder and builds it with {@link #ENTRYPOINT} into {@code store}. */
    public Image build(ImageStore store) {
        return build(ENTRYPOINT, store);
    }

    /** Writes the folder and builds it with another entrypoint (which should still serve port 8080). */
    public Image build(String entrypoint, ImageStore store) {
        return ImageBuilder.fromFolder(write())
                .entrypoint(entrypoint)
                .port(PORT)
                .build(VmTests.kernel(), store);
    }
}
