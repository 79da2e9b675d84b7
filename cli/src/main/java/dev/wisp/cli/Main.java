package dev.wisp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code wisp} command. Exit codes scripts can rely on: 0 done, 1 failed (the VM, the build,
 * the host), 2 bad usage or bad input, 3 the host lacks something (see {@code wisp setup}).
 */
@Command(name = "wisp", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run apps in microVMs: build images, boot, snapshot, clone, benchmark.",
        subcommands = {SetupCommand.class, ImageCommand.class, RunCommand.class, ServeCommand.class, DemoCommand.class, PlanCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class,
                picocli.AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_HOST = 3;

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
