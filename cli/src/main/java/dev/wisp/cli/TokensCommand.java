package dev.wisp.cli;

import dev.wisp.sdk.TokenCreated;
import dev.wisp.sdk.TokenInfo;
import dev.wisp.sdk.WispClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wisp tokens ls|create|rm TENANT} (admin token). */
@Command(
        name = "tokens",
        description = "Manage a tenant's API tokens (admin token).",
        subcommands = {TokensCommand.Ls.class, TokensCommand.Create.class, TokensCommand.Rm.class})
final class TokensCommand {

    /** A subcommand on one tenant's tokens, the tenant named first. */
    abstract static class OnTenant extends AdminApiCommand {
        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant name.")
        String tenant;
    }

    @Command(name = "ls", description = "List a tenant's tokens (ids and creation times; never the tokens).")
    static final class Ls extends ListCommand<TokenInfo> {
        @Parameters(index = "0", paramLabel = "TENANT", description = "Tenant name.")
        String tenant;

        Ls() {
            super(new ApiOptions(), "ID", "CREATED");
        }

        @Override
        List<TokenInfo> items(WispClient wisp) {
            return wisp.tokens(tenant);
        }

        @Override
        Object[] cells(TokenInfo t) {
            return new Object[] {t.id(), t.createdAt()};
        }
    }

    @Command(name = "create", description = "Create a token for a tenant; it is printed only this once.")
    static final class Create extends OnTenant {
        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            TokenCreated t = api.client().createToken(tenant);
            if (json.on) {
                out().println(Json.pretty(t));
            } else {
                // the token alone on stdout, so `TOKEN=$(wisp tokens create acme)` works; the id goes to stderr
                out().println(t.token());
                err().println("token id " + t.id() + " (shown once; keep it safe)");
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Revoke a token.")
    static final class Rm extends OnTenant {
        @Parameters(index = "1", paramLabel = "ID", description = "Token id (see: wisp tokens ls TENANT).")
        String id;

        @Override
        public Integer call() {
            api.client().deleteToken(tenant, id);
            out().println("revoked " + id);
            return 0;
        }
    }
}
