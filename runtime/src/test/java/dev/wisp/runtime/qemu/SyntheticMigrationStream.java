package dev.wisp.runtime.qemu;

import static dev.wisp.runtime.qemu.RamDelta.FLAG_CONTINUE;
import static dev.wisp.runtime.qemu.RamDelta.FLAG_EOS;
import static dev.wisp.runtime.qemu.RamDelta.FLAG_MEM_SIZE;
import static dev.wisp.runtime.qemu.RamDelta.FLAG_PAGE;
import static dev.wisp.runtime.qemu.RamDelta.FLAG_ZERO;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads QEMU 7.2 precopy migration streams in tests, laid out as {@code savevm.c}
 * frames sections and {@code ram.c} writes page records (all big-endian):
 *
 * <pre>
 *   magic 0x5145564d, version 3, configuration section (0x07, len, machine name)
 *   0x01 START  id, idstr "ram", instance, version | total|MEM_SIZE, blocks (name, length[, addr]) | EOS | 0x7e id
 *   0x02 PART   id | page records | EOS | 0x7e id            (any number)
 *   0x03 END    id | page records | EOS | 0x7e id
 *   0x04 FULL   id, idstr, instance, version | device state | 0x7e id   (devices)
 *   0x00 EOF, then optionally 0x06 VMDESC len json
 *   page record: be64 offset|flags, [idstr unless CONTINUE], then 1 fill byte (ZERO) or a page (PAGE)
 * </pre>
 *
 * <p>The reader plays QEMU's loader for the RAM part only: every page record overwrites its page.
 */
final class SyntheticMigrationStream {
    static final int PAGE = 4096;
    /** A compressed page record, which RamDelta does not take. */
    static final int XBZRLE = 0x40;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** QEMU's {@code last_sent_block}: a record for the same block says CONTINUE instead of its name. */
    private String lastBlock;

    /** File header and the configuration section QEMU writes before any device. */
    SyntheticMigrationStream header() {
        return header(0x5145564d, 3);
    }

    SyntheticMigrationStream header(int magic, int version) {
        writeInt(magic);
        writeInt(version);
        writeByte(0x07);
        byte[] machine = "microvm".getBytes(StandardCharsets.ISO_8859_1);
        writeInt(machine.length);
        writeBytes(machine);
        return this;
    }

    /** START of the RAM section with its block list (addresses only with x-ignore-shared), EOS and footer. */
    SyntheticMigrationStream ramStart(int section, boolean withAddresses, Map<String, Long> blocks) {
        long total = blocks.values().stream().mapToLong(Long::longValue).sum();
        return ramStart(section, withAddresses, total | FLAG_MEM_SIZE, blocks);
    }

    SyntheticMigrationStream ramStart(int section, boolean withAddresses, long firstWord, Map<String, Long> blocks) {
        sectionHeader(0x01, section, "ram", 0, 4);
        writeLong(firstWord);
        long address = 0;
        for (Map.Entry<String, Long> b : blocks.entrySet()) {
            idstr(b.getKey());
            writeLong(b.getValue());
            if (withAddresses) {
                writeLong(address);
                address += b.getValue();
            }
        }
        return eos().footer(section);
    }

    /** A PART (0x02) or END (0x03) section's header; page records follow. */
    SyntheticMigrationStream ramPart(int type, int section) {
        writeByte(type);
        writeInt(section);
        return this;
    }

    /** A page as QEMU sends it: a one-byte ZERO record when every byte is 0, else the whole page. */
    SyntheticMigrationStream page(String block, int pageNumber, byte[] content) {
        boolean zero = isZero(content);
        return record(block, (long) pageNumber * PAGE | (zero ? FLAG_ZERO : FLAG_PAGE), zero ? new byte[1] : content);
    }

    /** Any record: the CONTINUE flag is added when QEMU would add it. */
    SyntheticMigrationStream record(String block, long word, byte[] payload) {
        boolean same = block.equals(lastBlock);
        writeLong(same ? word | FLAG_CONTINUE : word);
        if (!same) {
            idstr(block);
        }
        lastBlock = block;
        writeBytes(payload);
        return this;
    }

    SyntheticMigrationStream eos() {
        writeLong(FLAG_EOS);
        return this;
    }

    SyntheticMigrationStream footer(int section) {
        writeByte(0x7e);
        writeInt(section);
        return this;
    }

    /** A device's whole state (SECTION_FULL) with its footer. */
    SyntheticMigrationStream device(int section, String idstr, byte[] state) {
        sectionHeader(0x04, section, idstr, 0, 1);
        writeBytes(state);
        return footer(section);
    }

    /** QEMU_VM_EOF, then the JSON description of the devices QEMU appends unless suppressed. */
    SyntheticMigrationStream end() {
        writeByte(0x00);
        byte[] json = "{\"page_size\":4096,\"devices\":[]}".getBytes(StandardCharsets.US_ASCII);
        writeByte(0x06);
        writeInt(json.length);
        writeBytes(json);
        return this;
    }

    SyntheticMigrationStream raw(byte[] b) {
        writeBytes(b);
        return this;
    }

    int size() {
        return bytes.size();
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }

    private void sectionHeader(int type, int section, String idstr, int instance, int version) {
        writeByte(type);
        writeInt(section);
        idstr(idstr);
        writeInt(instance);
        writeInt(version);
    }

    private void idstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        writeByte(b.length);
        writeBytes(b);
    }

    // Writes to memory cannot fail: the stream is built with a ByteArrayOutputStream's own writes.
    private void writeByte(int v) {
        bytes.write(v);
    }

    private void writeInt(int v) {
        bytes.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(v).array());
    }

    private void writeLong(long v) {
        bytes.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(v).array());
    }

    private void writeBytes(byte[] b) {
        bytes.writeBytes(b);
    }

    static boolean isZero(byte[] b) {
        return Arrays.equals(b, new byte[b.length]);
    }

    /** What the RAM part of a stream did to memory, record by record. */
    record Loaded(Map<String, byte[]> memory, List<String> records, int ramEnd) {}

    /**
     * Applies a stream's page records onto copies of {@code memory} (block name to its bytes) as
     * QEMU's loader does, and lists the records as "block page# zero|page". Stops after the RAM
     * section's END; {@code ramEnd} is where the bytes after it start.
     */
    static Loaded load(byte[] stream, Map<String, byte[]> memory, boolean withAddresses) {
        Map<String, byte[]> mem = new LinkedHashMap<>();
        memory.forEach((k, v) -> mem.put(k, v.clone()));
        List<String> records = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(stream);
        if (in.getInt() != 0x5145564d || in.getInt() != 3 || in.get() != 0x07) {
            throw new IllegalArgumentException("not a version 3 stream with a configuration section");
        }
        int machineName = in.getInt();
        in.position(in.position() + machineName);
        String block = null;
        while (true) {
            int type = in.get();
            int section = in.getInt();
            if (type == 0x01) {
                String id = idstr(in);
                in.getInt();
                in.getInt();
                if (!id.equals("ram")) {
                    throw new IllegalArgumentException("a device section before RAM ended: " + id);
                }
                long total = in.getLong() & ~(long) (PAGE - 1);
                while (total > 0) {
                    String name = idstr(in);
                    long length = in.getLong();
                    if (withAddresses) {
                        in.getLong();
                    }
                    if (!mem.containsKey(name) || mem.get(name).length != length) {
                        throw new IllegalArgumentException("block list names " + name + " of " + length + " bytes");
                    }
                    total -= length;
                }
            } else if (type != 0x02 && type != 0x03) {
                throw new IllegalArgumentException("section type " + type + " before RAM ended");
            }
            while (true) {
                long v = in.getLong();
                int flags = (int) (v & (PAGE - 1));
                int offset = (int) (v & ~(long) (PAGE - 1));
                if ((flags & FLAG_EOS) != 0) {
                    break;
                }
                if ((flags & FLAG_CONTINUE) == 0) {
                    block = idstr(in);
                } else if (block == null) {
                    throw new IllegalArgumentException("CONTINUE before any block was named");
                }
                byte[] target = mem.get(block);
                if ((flags & FLAG_ZERO) != 0) {
                    Arrays.fill(target, offset, offset + PAGE, in.get());
                    records.add(block + " " + offset / PAGE + " zero");
                } else if ((flags & FLAG_PAGE) != 0) {
                    in.get(target, offset, PAGE);
                    records.add(block + " " + offset / PAGE + " page");
                } else {
                    throw new IllegalArgumentException("record flags 0x" + Integer.toHexString(flags));
                }
            }
            if ((in.get(in.position()) & 0xff) == 0x7e) {
                in.get();
                if (in.getInt() != section) {
                    throw new IllegalArgumentException("footer of another section");
                }
            }
            if (type == 0x03) {
                return new Loaded(mem, records, in.position());
            }
        }
    }

    private static String idstr(ByteBuffer in) {
        byte[] b = new byte[in.get() & 0xff];
        in.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
