package dev.wisp.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's work folder with buildah's tags "base" and "child" ({@link TestImages#buildahBase},
 * {@link TestImages#buildahChild}) in an OCI layout: built before the class's tests, buildah's images
 * and the folder removed after. Register it before the {@code @BeforeAll} methods that use it.
 */
final class BuildahImages implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private Path work;

    /** @param name names the temporary work folder */
    BuildahImages(String name) {
        this.name = name;
    }

    /** The work folder: buildah's storage and what the test class puts there. */
    Path work() {
        return work;
    }

    /** The OCI layout holding tags "base" and "child". */
    Path layout() {
        return work.resolve("buildah-layout");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        work = Files.createTempDirectory("wisp-oci-" + name + "-");
        TestImages.buildahBase(work, layout());
        TestImages.buildahChild(work, layout());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (work != null) {
            TestImages.buildah(work, "rmi", "--all", "--force");
            Tools.deleteTree(work);
        }
    }
}
