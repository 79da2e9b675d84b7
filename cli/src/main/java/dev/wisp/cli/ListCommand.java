package dev.wisp.cli;

import dev.wisp.sdk.WispClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that lists what the control plane's API returns: a table people read, or with
 * {@code --json} the API's JSON. A subclass says what to fetch and the cells of one row.
 */
abstract class ListCommand<T> extends OutputCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Mixin
    JsonOption json;

    private final String[] header;

    /**
     * @param scope {@link TenantApiOptions} for one tenant's things ({@code --tenant} then applies), a
     *     plain {@link ApiOptions} for what only an admin token lists; picocli takes the options of
     *     the instance given
     */
    ListCommand(ApiOptions scope, String... header) {
        this.api = scope;
        this.header = header;
    }

    abstract List<T> items(WispClient wisp);

    /** One row's cells in the header's order; a null cell prints as "-". */
    abstract Object[] cells(T item);

    WispClient client() {
        return api.client();
    }

    @Override
    public Integer call() {
        json.table(out(), items(client()), new Table(header), (t, item) -> t.row(cells(item)));
        return 0;
    }
}
