package dev.wisp.cli;

import dev.wisp.image.RegistryLogins;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wisp registry login HOST}: basic credentials for pulls from that registry. */
@Command(
        name = "registry",
        description = "Credentials for container registries.",
        subcommands = {RegistryCommand.Login.class})
final class RegistryCommand {
    private RegistryCommand() {}

    @Command(
            name = "login",
            description = "Store a user and password for HOST in $WISP_HOME/registries.json (mode 0600);"
                    + " pulls from HOST use them.")
    static final class Login extends OutputCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The registry, as in image references.")
        String host;

        @Option(
                names = {"-u", "--username"},
                required = true,
                paramLabel = "USER")
        String user;

        @Option(names = "--password-stdin", description = "Read the password from stdin (else it is asked for).")
        boolean passwordStdin;

        @Option(
                names = "--ca-file",
                paramLabel = "PEM",
                description = "Trust this CA (PEM) for HOST's TLS certificate, besides the system's CAs.")
        Path caFile;

        @Override
        public Integer call() throws IOException {
            String password;
            Console console = System.console();
            if (passwordStdin || console == null) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } else {
                char[] p = console.readPassword("password for %s at %s: ", user, host);
                password = p == null ? null : new String(p);
            }
            if (password != null) {
                password = password.strip();
            }
            new RegistryLogins(new HostOptions().home()).save(host, user, password, caFile);
            out().println("login for " + host + " stored");
            return 0;
        }
    }
}
