package dev.wisp.cli;

import dev.wisp.sdk.Secret;
import dev.wisp.sdk.WispClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp secrets set|ls|rm}: the tenant's secrets, stored encrypted by the control plane and
 * never shown back. A service takes them with {@code wisp deploy --secret NAME}.
 */
@Command(
        name = "secrets",
        description = "Manage the tenant's secrets (stored encrypted; services take them with deploy --secret).",
        subcommands = {SecretsCommand.Set.class, SecretsCommand.Ls.class, SecretsCommand.Rm.class})
final class SecretsCommand {

    @Command(
            name = "set",
            description = "Set secrets: NAME=VALUE, or NAME with --from-file FILE (- reads stdin; a trailing"
                    + " newline is dropped). A service sees a new value after its next deploy.")
    static final class Set extends TenantApiCommand {
        @Parameters(arity = "1..*", paramLabel = "NAME=VALUE|NAME", description = "Secrets to set.")
        List<String> pairs;

        @Option(names = "--from-file", paramLabel = "FILE", description = "Read the one NAME's value from FILE.")
        String fromFile;

        @Override
        public Integer call() throws IOException {
            Map<String, String> values = new LinkedHashMap<>();
            if (fromFile != null) {
                if (pairs.size() != 1 || pairs.get(0).contains("=")) {
                    throw new IllegalArgumentException("--from-file takes one NAME alone, not NAME=VALUE");
                }
                values.put(pairs.get(0), read(fromFile));
            }
            for (String p : fromFile != null ? List.<String>of() : pairs) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(
                            "give NAME=VALUE, or one NAME with --from-file FILE (got '" + p + "')");
                }
                values.put(p.substring(0, eq), p.substring(eq + 1));
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                Secret s = api.client().setSecret(e.getKey(), e.getValue());
                out().println("set " + s.name() + " (digest " + s.digest() + ")");
            }
            return 0;
        }

        private static String read(String file) throws IOException {
            String v = file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
            return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
        }
    }

    @Command(name = "ls", description = "List the tenant's secrets: names, digests, times (never values).")
    static final class Ls extends ListCommand<Secret> {
        Ls() {
            super(new TenantApiOptions(), "NAME", "DIGEST", "UPDATED");
        }

        @Override
        List<Secret> items(WispClient wisp) {
            return wisp.secrets();
        }

        @Override
        Object[] cells(Secret s) {
            return new Object[] {s.name(), s.digest(), s.updatedAt()};
        }
    }

    @Command(name = "rm", description = "Remove secrets (revisions deployed with them keep their values).")
    static final class Rm extends DeleteCommand {
        Rm() {
            super(new TenantApiOptions(), "removed", WispClient::deleteSecret);
        }
    }
}
