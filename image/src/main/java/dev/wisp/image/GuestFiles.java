package dev.wisp.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What every guest root holds besides the app: folders, /etc basics, busybox, our init. */
final class GuestFiles {
    static final String INIT_RESOURCE = "guest/init";

    private GuestFiles() {}

    /** Folders, device nodes and /etc files; applied first so packages may add to /etc. */
    static void addBase(RootTree t) {
        for (String d : List.of(
                "proc",
                "sys",
                "dev",
                "run",
                "etc",
                "app",
                "mnt",
                "usr/bin",
                "usr/sbin",
                "usr/lib",
                "usr/lib64",
                "var/log",
                "var/lib",
                "var/cache",
                "var/spool",
                "wisp/lower",
                "wisp/rw")) {
            t.dir(d, 0755);
        }
        t.dir("root", 0700);
        t.dir("tmp", 01777);
        t.dir("var/tmp", 01777);
        t.dir("var/lock", 01777);
        for (String d : UsrMerge.MERGED) {
            t.symlink(d, "usr/" + d);
        }
        // The kernel opens /dev/console for init before anything is mounted.
        t.special("dev/console", CpioWriter.S_IFCHR, 0600, 5, 1);
        t.special("dev/null", CpioWriter.S_IFCHR, 0666, 1, 3);
        // init reads from this FIFO with a timeout to sleep without forking.
        t.special("wisp/tick", CpioWriter.S_IFIFO, 0600, 0, 0);
    }

    /** Files the guest relies on; applied last so packages cannot replace them. */
    static void addSystem(RootTree t, byte[] init) {
        t.file("etc/passwd", 0644, """
                root:x:0:0:root:/root:/bin/sh
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                """);
        t.file("etc/group", 0644, """
                root:x:0:
                daemon:x:1:
                adm:x:4:
                www-data:x:33:
                nogroup:x:65534:
                """);
        t.file("etc/shadow", 0600, "root:*:1::::::\n");
        t.file("etc/hosts", 0644, "127.0.0.1 localhost\n::1 localhost\n");
        t.file("etc/nsswitch.conf", 0644, "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n");
        // slirp's resolver; only used when the host lets the guest reach it.
        t.file("etc/resolv.conf", 0644, "nameserver 10.0.2.3\n");
        // Mounted by init in one process (`agent mount /etc/fstab`), not one per mount.
        t.file("etc/fstab", 0644, """
                proc /proc proc defaults 0 0
                sysfs /sys sysfs defaults 0 0
                devtmpfs /dev devtmpfs defaults 0 0
                tmpfs /tmp tmpfs mode=1777 0 0
                tmpfs /run tmpfs mode=0755 0 0
                """);
        // The kernel runs the agent as /init: it boots the common case itself and hands the rest
        // to the shell's init (/wisp/init).
        t.file("wisp/init", 0755, init);
        t.file("wisp/agent", 0755, GuestAgent.binary());
        t.symlink("init", "/wisp/agent");
    }

    /** The static busybox every image's initramfs gets (Debian's busybox-static). */
    static final Path BUSYBOX = Path.of("/bin/busybox");

    /** @throws IllegalArgumentException when {@link #BUSYBOX} is missing: checked before a build starts */
    static void requireBusybox() {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalArgumentException("busybox not found at " + BUSYBOX + " (install busybox-static)");
        }
    }

    /** Adds busybox and a symlink per applet where no package put a real command. */
    static void addBusybox(RootTree t) {
        if (!Elf.isStatic(BUSYBOX)) {
            throw new IllegalArgumentException(
                    "busybox at " + BUSYBOX + " is not a static binary (install busybox-static)");
        }
        t.put("usr/bin/busybox", new RootTree.HostFile(BUSYBOX, 0755));
        String list = Commands.run("busybox --list-full", List.of(BUSYBOX.toString(), "--list-full"));
        for (String applet : list.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .sorted()
                .toList()) {
            String place = UsrMerge.map(applet);
            if (!t.contains(place)) {
                t.symlink(place, "/usr/bin/busybox");
            }
        }
    }

    /** The shell-sourced /wisp/app.env (guest-protocol.md), plus module list and disk flag for init. */
    static String appEnv(String entrypoint, int port, String moduleDir, List<String> modules, boolean disk) {
        return "WISP_ENTRYPOINT=" + quote(entrypoint) + "\n"
                + "WISP_PORT=" + port + "\n"
                + "WISP_PORT_HEX=" + String.format(Locale.ROOT, "%04X", port) + "\n"
                + "WISP_WORKDIR=/app\n"
                + "WISP_MODULE_DIR=" + quote(moduleDir) + "\n"
                + "WISP_MODULES=" + quote(String.join(" ", modules)) + "\n"
                + "WISP_DISK=" + (disk ? 1 : 0) + "\n";
    }

    static byte[] init() {
        try (InputStream in = GuestFiles.class.getResourceAsStream(INIT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("guest init resource missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Single-quotes for sh: nothing inside is expanded. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
