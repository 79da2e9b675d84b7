package dev.wisp.cli;

import dev.wisp.sdk.WispClient;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A {@code rm} command: deletes each named thing through the control plane's API, in the order
 * given, and says so for each; the first refusal stops it (the names before it stay deleted).
 */
abstract class DeleteCommand extends OutputCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Names of what to delete.")
    List<String> names;

    private final String done;
    private final BiConsumer<WispClient, String> delete;

    /**
     * @param scope {@link TenantApiOptions} for one tenant's things, a plain {@link ApiOptions} for
     *     what only an admin token deletes (as {@link ListCommand})
     * @param done what is printed before each name deleted: "deleted", "removed", ...
     * @param delete the API call that deletes one
     */
    DeleteCommand(ApiOptions scope, String done, BiConsumer<WispClient, String> delete) {
        this.api = scope;
        this.done = done;
        this.delete = delete;
    }

    @Override
    public Integer call() {
        WispClient wisp = api.client();
        for (String n : names) {
            delete.accept(wisp, n);
            out().println(done + " " + n);
        }
        return 0;
    }
}
