package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime's seams, read from the source tree: other modules use its API only (never a VMM
 * driver package, never a type documented as internal), its generic code reaches the driver only
 * where the runtime starts, and a public type is public for a reason.
 */
class RuntimeBoundaryTest {
    /** The phrase an internal type's javadoc carries. */
    static final String INTERNAL_MARK = "not an API for other modules";

    private static final Path RUNTIME = Path.of("").toAbsolutePath();
    private static final Path ROOT = RUNTIME.getParent();
    private static final Path MAIN = RUNTIME.resolve("src/main/java/dev/wisp/runtime");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+(?:(?:final|sealed|non-sealed|abstract|static)\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");
    private static final Pattern DRIVER_PACKAGE =
            Pattern.compile("\\bdev\\.wisp\\.runtime\\.(qemu|firecracker|cloudhypervisor)\\b");
    private static final Pattern WILDCARD = Pattern.compile("\\bimport\\s+dev\\.wisp\\.runtime\\.\\*\\s*;");
    /** Public but used by no other module by name: it is part of a public type's signature. */
    private static final Map<String, String> PUBLIC_FOR_A_SIGNATURE =
            Map.of("SnapshotFiles", "the type of Snapshot.state()");
    /** Internal types the checker's own tests name. */
    private static final Set<String> INTERNAL = Set.of("Vmm", "Console");

    @Test
    void otherModules_useNoDriverPackageAndNoInternalType() {
        Set<String> internal = internalTypes();
        List<Path> sources = otherModulesSources();
        List<String> violations = new ArrayList<>();
        for (Path f : sources) {
            violations.addAll(violations(ROOT.relativize(f).toString(), read(f), internal));
        }

        assertThat(internal)
                .as("types marked internal in runtime")
                .contains("Vmm", "VmHandle", "GuestMemory", "Console", "VmmLauncher");
        assertThat(sources)
                .as("sources of the other modules (node, control, cli, ...)")
                .anyMatch(p -> p.startsWith(ROOT.resolve("node")))
                .anyMatch(p -> p.startsWith(ROOT.resolve("control")))
                .hasSizeGreaterThan(50);
        assertThat(violations).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "import dev.wisp.runtime.qemu.QemuMicrovm;",
                "import dev.wisp.runtime.qemu.*;",
                "import dev.wisp.runtime.Vmm;",
                "import static dev.wisp.runtime.Console.tail;",
                "var l = new dev.wisp.runtime.Vmm.Launch(null);",
                "import dev.wisp.runtime.*;\nclass A { Vmm v; }"
            })
    void checker_findsEachWayIn(String code) {
        assertThat(violations("a.java", code, INTERNAL)).hasSize(1);
    }

    @Test
    void checker_findsNothingInCommentsStringsOrPublicTypes() {
        assertThat(violations("a.java", """
                import dev.wisp.runtime.VmRuntime;
                import dev.wisp.runtime.VmmPoolStats;
                // dev.wisp.runtime.Vmm in a comment, /* dev.wisp.runtime.qemu */ and in a string:
                class A { String s = "dev.wisp.runtime.Vmm // dev.wisp.runtime.qemu"; VmRuntime r; }
                """, INTERNAL)).isEmpty();
    }

    @Test
    void genericCode_reachesTheDriverOnlyWhereTheRuntimeStarts() throws IOException {
        List<String> users = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAIN)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (DRIVER_PACKAGE.matcher(code(read(f))).find()) {
                    users.add(f.getFileName().toString());
                }
            }
        }
        assertThat(users).containsExactly("VmRuntime.java");
    }

    @Test
    void publicTypes_areUsedByOtherModulesOrMarkedInternal() {
        Map<String, String> publicTypes = publicTypes();
        StringBuilder others = new StringBuilder();
        otherModulesSources().forEach(f -> others.append(code(read(f))).append('\n'));
        List<String> needless = new ArrayList<>();
        publicTypes.forEach((name, text) -> {
            // A type of a sub-package (jail, ...) is named with it: dev.wisp.runtime.jail.JailConfig.
            boolean used = Pattern.compile("\\bdev\\.wisp\\.runtime\\.(?:[a-z]+\\.)?" + name + "\\b")
                    .matcher(others)
                    .find();
            if (!used && !text.contains(INTERNAL_MARK) && !PUBLIC_FOR_A_SIGNATURE.containsKey(name)) {
                needless.add(name);
            }
        });

        assertThat(publicTypes).containsKeys("VmRuntime", "Instance", "Vmm", "QemuMicrovm");
        assertThat(publicTypes).doesNotContainKeys("ConsoleMarker", "QemuProcess", "VmmPool");
        assertThat(needless)
                .as("public types no other module uses: make them package-private or mark them internal")
                .isEmpty();
    }

    /** Where {@code text} (file {@code name}) reaches past the runtime's API, one line per finding. */
    static List<String> violations(String name, String text, Set<String> internal) {
        String code = code(text);
        List<String> found = new ArrayList<>();
        Matcher driver = DRIVER_PACKAGE.matcher(code);
        while (driver.find()) {
            found.add(name + ": uses the VMM driver package dev.wisp.runtime." + driver.group(1));
        }
        for (String type : new TreeSet<>(internal)) {
            if (Pattern.compile("\\bdev\\.wisp\\.runtime\\." + type + "\\b")
                    .matcher(code)
                    .find()) {
                found.add(name + ": uses dev.wisp.runtime." + type + ", which is internal to the runtime");
            } else if (WILDCARD.matcher(code).find()
                    && Pattern.compile("\\b" + type + "\\b")
                            .matcher(WILDCARD.matcher(code).replaceAll(""))
                            .find()) {
                found.add(name + ": uses " + type
                        + " (through import dev.wisp.runtime.*), which is internal to the runtime");
            }
        }
        return found;
    }

    /** Java source without comments, and with string and char literals blanked. */
    static String code(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                int end = src.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Types marked internal in the runtime's main sources, by simple name. */
    private static Set<String> internalTypes() {
        Set<String> internal = new TreeSet<>();
        publicTypes().forEach((name, text) -> {
            if (text.contains(INTERNAL_MARK)) {
                internal.add(name);
            }
        });
        return internal;
    }

    /** Public top-level types of the runtime's main sources (every package), by simple name, with their source. */
    private static Map<String, String> publicTypes() {
        Map<String, String> types = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(f -> {
                String text = read(f);
                Matcher m = PUBLIC_TYPE.matcher(text);
                if (m.find()) {
                    types.put(m.group(1), text);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    /** Every Java source, main and test, of every module but this one. */
    private static List<Path> otherModulesSources() {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")) && !m.equals(RUNTIME))
                    .sorted()
                    .toList()) {
                for (String set : List.of("src/main/java", "src/test/java")) {
                    Path dir = module.resolve(set);
                    if (Files.isDirectory(dir)) {
                        try (Stream<Path> walk = Files.walk(dir)) {
                            walk.filter(p -> p.toString().endsWith(".java"))
                                    .sorted()
                                    .forEach(sources::add);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
