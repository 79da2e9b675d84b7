package dev.wisp.runtime.qemu;

import static dev.wisp.runtime.qemu.SyntheticMigrationStream.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.runtime.SnapshotFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RamDelta} on synthetic QEMU 7.2 migration streams of a clone: its RAM block "mem" maps a
 * template file privately, so QEMU sends every page, and the rewrite must keep exactly the pages
 * that differ from the template and leave the rest of the stream as it was.
 */
class RamDeltaTest {
    private static final String MEM = QemuCommandLine.MEMORY_BACKEND_ID;
    private static final String ROM = "/rom@etc/acpi/tables";
    private static final int RAM_PAGES = 12;
    /** The template file is shorter than the RAM: pages past its end read as zeros. */
    private static final int TEMPLATE_PAGES = 10;

    private static final SnapshotFiles FULL = new SnapshotFiles(1, 2);

    @TempDir
    Path scratch;

    private Path templateFile;
    private byte[] template;
    private byte[] guest;
    private byte[] rom;

    @BeforeEach
    void memories() throws IOException {
        template = new byte[RAM_PAGES * PAGE];
        for (int p = 0; p < TEMPLATE_PAGES; p++) {
            if (p != 3 && p != 7) { // pages 3 and 7 are zero in the template
                System.arraycopy(random(p), 0, template, p * PAGE, PAGE);
            }
        }
        templateFile = scratch.resolve("template.mem");
        Files.write(templateFile, Arrays.copyOf(template, TEMPLATE_PAGES * PAGE));

        guest = template.clone();
        guest[PAGE + 100] ^= 1; // 1: one byte changed
        Arrays.fill(guest, 4 * PAGE, 5 * PAGE, (byte) 0); // 4: zeroed by the guest
        System.arraycopy(random(50), 0, guest, 5 * PAGE, PAGE); // 5: rewritten
        System.arraycopy(random(70), 0, guest, 7 * PAGE, PAGE); // 7: was zero in the template
        guest[10 * PAGE - 1] ^= (byte) 0x80; // 9: its last byte changed
        guest[11 * PAGE + 5] = 42; // 11: past the template's end
        // 0, 2, 6, 8: as in the template; 3: zero in both; 10: zero past the template's end

        // The firmware block holds what "mem" holds at the same offsets, but is not the template's.
        rom = Arrays.copyOf(template, 2 * PAGE);
    }

    /** The stream and where its RAM section starts and ends. */
    private record Clone(byte[] stream, int ramStart, int ramEnd) {}

    private Clone cloneStream(boolean withAddresses) {
        Map<String, Long> blocks = new LinkedHashMap<>();
        blocks.put(MEM, (long) RAM_PAGES * PAGE);
        blocks.put(ROM, 2L * PAGE);
        SyntheticMigrationStream s = new SyntheticMigrationStream().header();
        int ramStart = s.size();
        s.ramStart(2, withAddresses, blocks);
        s.ramPart(0x02, 2);
        for (int p = 0; p <= 5; p++) {
            s.page(MEM, p, guestPage(p));
        }
        s.page(ROM, 0, Arrays.copyOfRange(rom, 0, PAGE)).page(ROM, 1, Arrays.copyOfRange(rom, PAGE, 2 * PAGE));
        s.page(MEM, 6, guestPage(6)).page(MEM, 7, guestPage(7)).eos().footer(2);
        s.ramPart(0x02, 2).eos().footer(2); // an iteration with nothing to send
        // The last section starts with CONTINUE: QEMU's last sent block outlives the section.
        s.ramPart(0x03, 2);
        for (int p = 8; p < RAM_PAGES; p++) {
            s.page(MEM, p, guestPage(p));
        }
        s.eos().footer(2);
        int ramEnd = s.size();
        s.device(3, "timer", random(99, 40));
        // Device state that happens to hold RAM-looking bytes: copied, not parsed.
        s.device(4, "virtio-mmio", new byte[] {0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0x7e, 0, 0, 0, 2, 0x10});
        s.end();
        return new Clone(s.toBytes(), ramStart, ramEnd);
    }

    @ParameterizedTest(name = "x-ignore-shared {0}")
    @ValueSource(booleans = {true, false})
    void cloneStream_deltaLoadedOntoTheTemplateIsTheGuestsMemory(boolean ignoreShared) throws IOException {
        Clone clone = cloneStream(ignoreShared);
        // The full stream describes the guest on any memory (checks this test's own reader).
        SyntheticMigrationStream.Loaded full = SyntheticMigrationStream.load(
                clone.stream(), Map.of(MEM, new byte[RAM_PAGES * PAGE], ROM, new byte[2 * PAGE]), ignoreShared);
        assertThat(full.memory().get(MEM)).isEqualTo(guest);

        byte[] delta = rewrite(clone, ignoreShared).delta;
        SyntheticMigrationStream.Loaded restored = onTemplate(delta, ignoreShared);

        assertThat(restored.memory().get(MEM))
                .as("the clone's RAM restored onto its template")
                .isEqualTo(guest);
        assertThat(restored.memory().get(ROM)).isEqualTo(rom);
    }

    @Test
    void cloneStream_pagesEqualToTheTemplateAreDroppedAndTheOthersKept() throws IOException {
        Rewritten r = rewrite(cloneStream(true), true);

        List<String> left = onTemplate(r.delta, true).records();
        assertThat(left)
                .containsExactly(
                        MEM + " 1 page",
                        MEM + " 4 zero",
                        MEM + " 5 page",
                        ROM + " 0 page",
                        ROM + " 1 page",
                        MEM + " 7 page",
                        MEM + " 9 page",
                        MEM + " 11 page");
        assertThat(r.result.pagesKept()).isEqualTo(8);
        assertThat(r.result.pagesDropped()).as("pages 0, 2, 3, 6, 8 and 10").isEqualTo(6);
        // Dropped: four whole pages (0, 2, 6, 8) and two one-byte zero records (3, 10).
        assertThat(r.delta.length).isLessThan(cloneStream(true).stream().length - 4 * PAGE);
    }

    @Test
    void pagesOfAnotherBlock_keptEvenWhenTheyEqualTheTemplate() throws IOException {
        Rewritten r = rewrite(cloneStream(true), true);

        List<String> left = onTemplate(r.delta, true).records();
        assertThat(left).filteredOn(s -> s.startsWith(ROM)).containsExactly(ROM + " 0 page", ROM + " 1 page");
    }

    @Test
    void cloneStream_everythingAroundThePageRecordsPassesThroughByteForByte() throws IOException {
        Clone clone = cloneStream(true);
        byte[] delta = rewrite(clone, true).delta;

        byte[] head = Arrays.copyOf(clone.stream(), clone.ramStart());
        byte[] devices = Arrays.copyOfRange(clone.stream(), clone.ramEnd(), clone.stream().length);
        assertThat(Arrays.copyOf(delta, head.length))
                .as("file header and configuration")
                .isEqualTo(head);
        assertThat(Arrays.copyOfRange(delta, delta.length - devices.length, delta.length))
                .as("device sections, EOF and device description")
                .isEqualTo(devices);
        int deltaRamEnd = onTemplate(delta, true).ramEnd();
        assertThat(deltaRamEnd)
                .as("nothing between RAM's end and the devices")
                .isEqualTo(delta.length - devices.length);
    }

    @Test
    void rewrite_reportsTheSizeAndChecksumOfTheFileItWrote() throws IOException {
        Rewritten r = rewrite(cloneStream(true), true);

        CRC32C crc = new CRC32C();
        crc.update(r.delta);
        assertThat(r.result.files()).isEqualTo(new SnapshotFiles(r.delta.length, crc.getValue()));
    }

    @Test
    void shrink_replacesTheStreamInPlaceAndReturnsWhatItWrote() throws IOException {
        Path stream = scratch.resolve("state.bin");
        Files.write(stream, cloneStream(true).stream());

        SnapshotFiles files = RamDelta.shrink(stream, templateFile, MEM, true, FULL);

        byte[] now = Files.readAllBytes(stream);
        CRC32C crc = new CRC32C();
        crc.update(now);
        assertThat(files).isEqualTo(new SnapshotFiles(now.length, crc.getValue()));
        assertThat(onTemplate(now, true).memory().get(MEM)).isEqualTo(guest);
        assertThat(scratch.resolve("state.bin.delta")).doesNotExist();
    }

    @ParameterizedTest(name = "cut {0} bytes into the RAM section")
    @ValueSource(ints = {3, 20, 60, 200, 5000, 30000})
    void truncatedStream_refusedAndTheFullStreamKeptUntouched(int intoRam) throws IOException {
        Clone clone = cloneStream(true);
        byte[] cut = Arrays.copyOf(clone.stream(), clone.ramStart() + intoRam);
        assertThat(cut.length).isLessThan(clone.ramEnd());
        Path stream = scratch.resolve("cut.bin");
        Files.write(stream, cut);

        assertThatThrownBy(() -> RamDelta.rewrite(stream, templateFile, MEM, true, scratch.resolve("out")))
                .isInstanceOf(IOException.class)
                .hasMessageMatching("(?s).*(truncated|no RAM section).*");
        assertThat(RamDelta.shrink(stream, templateFile, MEM, true, FULL)).isSameAs(FULL);
        assertThat(Files.readAllBytes(stream)).isEqualTo(cut);
        assertThat(scratch.resolve("cut.bin.delta")).doesNotExist();
    }

    static Stream<Arguments> malformed() {
        Map<String, Long> mem = Map.of(MEM, (long) RAM_PAGES * PAGE);
        byte[] page = random(1);
        return Stream.of(
                Arguments.of(
                        "not QEMU's magic",
                        new SyntheticMigrationStream().header(0x12345678, 3).ramStart(2, true, mem),
                        "not a QEMU migration stream of version 3"),
                Arguments.of(
                        "an older stream version",
                        new SyntheticMigrationStream().header(0x5145564d, 2).ramStart(2, true, mem),
                        "not a QEMU migration stream of version 3"),
                Arguments.of(
                        "devices only",
                        new SyntheticMigrationStream()
                                .header()
                                .device(3, "timer", new byte[64])
                                .end(),
                        "no RAM section near the start of the stream"),
                Arguments.of(
                        "no block list",
                        new SyntheticMigrationStream().header().ramStart(2, true, (long) RAM_PAGES * PAGE, mem),
                        "RAM section does not start with its block list"),
                Arguments.of(
                        "blocks larger than the announced total",
                        new SyntheticMigrationStream()
                                .header()
                                .ramStart(2, true, (RAM_PAGES - 1L) * PAGE | RamDelta.FLAG_MEM_SIZE, mem),
                        "RAM block lengths do not add up to the announced total"),
                Arguments.of(
                        "an XBZRLE record",
                        new SyntheticMigrationStream()
                                .header()
                                .ramStart(2, true, mem)
                                .ramPart(0x03, 2)
                                .record(MEM, SyntheticMigrationStream.XBZRLE, page)
                                .eos()
                                .footer(2),
                        "unsupported RAM record flags 0x40"),
                Arguments.of(
                        "CONTINUE before any block",
                        new SyntheticMigrationStream()
                                .header()
                                .ramStart(2, true, mem)
                                .ramPart(0x03, 2)
                                .raw(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x28})
                                .raw(page)
                                .eos()
                                .footer(2),
                        "page record continues an unknown RAM block"),
                Arguments.of(
                        "a device inside RAM",
                        new SyntheticMigrationStream()
                                .header()
                                .ramStart(2, true, mem)
                                .device(3, "timer", new byte[8])
                                .ramPart(0x03, 2)
                                .eos()
                                .footer(2),
                        "unexpected section type 4 (id 3) inside RAM"),
                Arguments.of(
                        "a footer of another section",
                        new SyntheticMigrationStream()
                                .header()
                                .ramStart(2, true, mem)
                                .ramPart(0x02, 2)
                                .page(MEM, 0, page)
                                .eos()
                                .footer(3),
                        "section footer 3 closes section 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedStream_refusedWithWhatIsWrongAndKeptWhole(String what, SyntheticMigrationStream s, String error)
            throws IOException {
        byte[] bytes = s.toBytes();
        Path stream = scratch.resolve("bad.bin");
        Files.write(stream, bytes);

        assertThatThrownBy(() -> RamDelta.rewrite(stream, templateFile, MEM, true, scratch.resolve("out")))
                .isInstanceOf(IOException.class)
                .hasMessage(error);
        assertThat(RamDelta.shrink(stream, templateFile, MEM, true, FULL)).isSameAs(FULL);
        assertThat(Files.readAllBytes(stream)).isEqualTo(bytes);
        assertThat(scratch.resolve("bad.bin.delta")).doesNotExist();
    }

    @Test
    void streamThatIsNotQemus_keptWholeByTheDeltaRewrite() throws Exception {
        Path stream = scratch.resolve("not-a-stream.bin");
        Path base = scratch.resolve("base.bin");
        Files.write(stream, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Files.write(base, new byte[4096]);
        SnapshotFiles full = new SnapshotFiles(9, 42);
        assertThat(RamDelta.shrink(stream, base, MEM, true, full)).isEqualTo(full);
        assertThat(Files.readAllBytes(stream)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(scratch.resolve("not-a-stream.bin.delta")).doesNotExist();
    }

    private record Rewritten(RamDelta.Result result, byte[] delta) {}

    /** Loads {@code stream} over a copy of the template's RAM and a zeroed ROM, as a clone's restore does. */
    private SyntheticMigrationStream.Loaded onTemplate(byte[] stream, boolean withAddresses) {
        return SyntheticMigrationStream.load(
                stream, Map.of(MEM, template.clone(), ROM, new byte[2 * PAGE]), withAddresses);
    }

    private Rewritten rewrite(Clone clone, boolean ignoreShared) throws IOException {
        Path stream = scratch.resolve("state-" + ignoreShared + ".bin");
        Path target = scratch.resolve("state-" + ignoreShared + ".delta");
        Files.write(stream, clone.stream());
        RamDelta.Result result = RamDelta.rewrite(stream, templateFile, MEM, ignoreShared, target);
        assertThat(Files.readAllBytes(stream))
                .as("rewrite leaves its input alone")
                .isEqualTo(clone.stream());
        return new Rewritten(result, Files.readAllBytes(target));
    }

    private byte[] guestPage(int p) {
        return Arrays.copyOfRange(guest, p * PAGE, (p + 1) * PAGE);
    }

    private static byte[] random(int seed) {
        return random(seed, PAGE);
    }

    private static byte[] random(int seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
