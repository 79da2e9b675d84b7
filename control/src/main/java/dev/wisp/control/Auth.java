package dev.wisp.control;

import io.netty.handler.codec.http.HttpHeaderNames;

/** Bearer tokens to callers: 401 for a missing or unknown token, 404 for a tenant a token may not see. */
final class Auth {
    private final Registry registry;

    Auth(Registry registry) {
        this.registry = registry;
    }

    Caller authenticate(Call call) {
        String header = call.header(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unauthorized", "missing 'Authorization: Bearer <token>'");
        }
        String token = header.substring(7).trim();
        TokenRecord rec = Tokens.wellFormed(token)
                ? registry.tokenByHash(Tokens.hash(token)).orElse(null)
                : null;
        if (rec == null) {
            throw new ApiException(401, "unauthorized", "unknown or revoked token");
        }
        String asked = call.query().get("tenant");
        if (asked == null || asked.equals(rec.tenant())) {
            return new Caller(rec.tenant(), rec.admin(), rec.hash());
        }
        if (!rec.admin() || !Names.valid(asked) || registry.tenant(asked).isEmpty()) {
            throw ApiException.notFound("no tenant '" + Names.shorten(asked) + "'");
        }
        return new Caller(asked, true, rec.hash());
    }
}
