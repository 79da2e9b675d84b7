package dev.wisp.cli;

import dev.wisp.bench.JavaFnBenchmark;
import dev.wisp.functions.FunctionImages;
import dev.wisp.functions.FunctionRuntime;
import dev.wisp.functions.HandlerJars;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wisp bench java-fn}: the Java function example, cold JVM start vs clone of its warm snapshot. */
@Command(
        name = "java-fn",
        description = "Java function: cold JVM start vs clone from the warm snapshot, to first HTTP answer.")
final class BenchJavaFnCommand extends VmBenchCommand<JavaFnBenchmark.Result> {
    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per path (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--memory", defaultValue = "256", description = "Guest memory in MiB (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Override
    JavaFnBenchmark.Result measure(Kernel kernel, VmRuntime rt, Path work) throws Exception {
        Path jar = work.resolve("hello.jar");
        String cls = HandlerJars.compile(ExampleApps.examplesDir().resolve("functions/java/Hello.java"), jar);
        progress().accept("building the Java function image (jlink'd JRE, cached after the first time)...");
        Image image = FunctionImages.build(
                FunctionRuntime.JAVA,
                jar,
                cls,
                List.of(),
                kernel,
                host.images(),
                host.home().resolve("cache"));
        VmSpec spec = new VmSpec(
                HostOptions.bootSource(kernel, image), 1, memoryMib, FunctionImages.PORT, Duration.ofSeconds(300));
        return new JavaFnBenchmark(rt, spec, rounds, work, progress()).run();
    }

    @Override
    String table(JavaFnBenchmark.Result r) {
        return JavaFnBenchmark.table(r);
    }
}
