package dev.wisp.control;

/**
 * Who is asking, after authentication.
 *
 * @param tenant    the tenant the request acts on (an admin's {@code ?tenant=}, else the token's own)
 * @param admin     whether the token is an admin token
 * @param tokenHash for rate limiting
 */
record Caller(String tenant, boolean admin, String tokenHash) {
    void requireAdmin() {
        if (!admin) {
            // 404, not 403: a tenant token does not learn that admin routes exist.
            throw ApiException.notFound("no such resource");
        }
    }
}
