package dev.wisp.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code wisp} command. Exit codes scripts can rely on: 0 done, 1 failed (the VM, the build,
 * the host), 2 bad usage or bad input, 3 the host lacks something (see {@code wisp setup}),
 * 4 unauthorized, 5 not found, 6 conflict or quota exceeded, 7 control plane unreachable or unavailable.
 */
@Command(
        name = "wisp",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description =
                "Run apps in microVMs and scale them with their load, down to zero: the platform (up, deploy, fn), its images and VMs, benchmarks.",
        subcommands = {
            SetupCommand.class,
            UpCommand.class,
            ImageCommand.class,
            RegistryCommand.class,
            RunCommand.class,
            ServeCommand.class,
            DemoCommand.class,
            PlanCommand.class,
            BenchCommand.class,
            FnCommand.class,
            DeployCommand.class,
            ApplyCommand.class,
            LsCommand.class,
            StatusCommand.class,
            LogsCommand.class,
            EventsCommand.class,
            ScaleCommand.class,
            RollbackCommand.class,
            RmCommand.class,
            TenantsCommand.class,
            TokensCommand.class,
            SecretsCommand.class,
            VolumesCommand.class,
            DashboardCommand.class,
            TopCommand.class,
            NodesCommand.class,
            CommandLine.HelpCommand.class,
            picocli.AutoComplete.GenerateCompletion.class
        })
public final class Main implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_HOST = 3;
    /** The API refused the token, or none was given or found. */
    static final int EXIT_UNAUTHORIZED = 4;
    /** The service, image, tenant or token does not exist (or belongs to another tenant). */
    static final int EXIT_NOT_FOUND = 5;
    /** A conflict (image in use, name taken) or a quota the request would exceed. */
    static final int EXIT_CONFLICT = 6;
    /** The API could not be reached, timed out, was rate limited or is unavailable: retrying later may work. */
    static final int EXIT_UNAVAILABLE = 7;

    public static void main(String[] args) {
        Logging.configure();
        CommandLine cl = commandLine();
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(new Errors());
        // every Duration option reads 500ms, 1s, 2m, 24h: one converter for all of them
        cl.registerConverter(Duration.class, new DurationConverter());
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"wisp " + (v == null ? "dev" : v)};
        }
    }
}
