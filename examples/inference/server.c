/*
 * The example's model server: loads a model file (model.h) and answers predictions over
 * HTTP/1.1 with keep-alive. One thread and poll(): a guest has one vCPU by default, and every
 * request is CPU-bound arithmetic, so more threads would only add switching.
 *
 *   server MODEL_FILE [--port N]        (default port 8080)
 *
 *   GET  /healthz          {"status":"ok"}
 *   GET  /v1/model         what the model is: inputs, random features, classes
 *   POST /v1/predict       {"features":[x1,...,xD]}  ->  {"class":k,"probabilities":[...],"instance":"..."}
 *
 * Errors are JSON, {"error":{"code":"...","message":"..."}}, with stable codes: bad_json,
 * bad_features, not_found, method_not_allowed, length_required, too_large, bad_request.
 */
#define _GNU_SOURCE
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define IN_CAP 16384 /* request head plus body; a prediction needs a few hundred bytes */

typedef struct {
    int fd;
    char in[IN_CAP + 1]; /* +1: room for a terminating NUL after the body */
    size_t inlen;
    char *out;
    size_t outlen, outcap, outoff;
    int closing;
} conn;

static model m;
static double *zbuf;
static struct pollfd fds[MAX_CONNS + 1];
static conn *conns[MAX_CONNS + 1];
static int nfds;

static void out_append(conn *c, const char *data, size_t len) {
    if (c->outlen + len > c->outcap) {
        size_t cap = c->outcap ? c->outcap : 1024;
        while (cap < c->outlen + len) cap *= 2;
        char *grown = realloc(c->out, cap);
        if (!grown) { c->closing = 1; return; }
        c->out = grown;
        c->outcap = cap;
    }
    memcpy(c->out + c->outlen, data, len);
    c->outlen += len;
}

static const char *reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 411: return "Length Required";
        case 413: return "Content Too Large";
        case 431: return "Request Header Fields Too Large";
        default: return "Error";
    }
}

static void respond(conn *c, int status, const char *body) {
    char head[256];
    size_t len = strlen(body);
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n",
            status, reason(status), len + 1, c->closing ? "Connection: close\r\n" : "");
    out_append(c, head, (size_t) n);
    out_append(c, body, len);
    out_append(c, "\n", 1);
}

static void respond_error(conn *c, int status, const char *code, const char *message) {
    char body[512];
    snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
    respond(c, status, body);
}

/* ---- a small JSON reader: enough to find one array of numbers in an object, strictly ---- */

static const char *ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *skip_string(const char *p) {
    for (p++; *p && *p != '"'; p++) {
        if ((unsigned char) *p < 0x20) return NULL;
        if (*p == '\\' && !*++p) return NULL;
    }
    return *p ? p + 1 : NULL;
}

static const char *skip_value(const char *p, int depth) {
    p = ws(p);
    if (depth > 32) return NULL;
    if (*p == '"') return skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"' || !(p = skip_string(p))) return NULL;
                p = ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = skip_value(p, depth + 1))) return NULL;
            p = ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
            p = ws(p);
        }
    }
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    char *end;
    strtod(p, &end);
    return end == p ? NULL : end;
}

/* Reads {"features":[...]} from a NUL-terminated body. Returns the count, or -1 with err set. */
static int parse_features(const char *body, double *x, char *err, size_t errlen) {
    const char *p = ws(body);
    int n = -1;
    if (*p++ != '{') { snprintf(err, errlen, "body must be a JSON object"); return -1; }
    p = ws(p);
    if (*p == '}') p++;
    else for (;;) {
        const char *key = p;
        if (*p != '"' || !(p = skip_string(p))) { snprintf(err, errlen, "expected a quoted key"); return -1; }
        int isFeatures = p - key == 10 && !strncmp(key, "\"features\"", 10);
        p = ws(p);
        if (*p++ != ':') { snprintf(err, errlen, "expected ':' after a key"); return -1; }
        p = ws(p);
        if (isFeatures) {
            if (*p++ != '[') { snprintf(err, errlen, "features must be an array of %u numbers", m.d); return -1; }
            n = 0;
            p = ws(p);
            if (*p == ']') p++;
            else for (;;) {
                char *end;
                double v = strtod(p, &end);
                if (end == p && !*p) { snprintf(err, errlen, "unexpected end of JSON"); return -1; }
                if (end == p || !isfinite(v)) {
                    snprintf(err, errlen, "features must be finite numbers");
                    return -2;
                }
                if (n < (int) m.d) x[n] = v;
                n++;
                p = ws(end);
                if (*p == ']') { p++; break; }
                if (*p++ != ',') { snprintf(err, errlen, "expected ',' or ']' in features"); return -1; }
                p = ws(p);
            }
        } else if (!(p = skip_value(p, 0))) {
            snprintf(err, errlen, "malformed JSON value");
            return -1;
        }
        p = ws(p);
        if (*p == '}') { p++; break; }
        if (*p++ != ',') { snprintf(err, errlen, "expected ',' or '}' in the object"); return -1; }
        p = ws(p);
    }
    if (*ws(p)) { snprintf(err, errlen, "trailing bytes after the JSON object"); return -1; }
    if (n < 0) { snprintf(err, errlen, "missing \\\"features\\\": an array of %u numbers", m.d); return -2; }
    return n;
}

static void predict(conn *c, char *body) {
    double x[MODEL_MAX_INPUTS], p[MODEL_MAX_CLASSES];
    char err[160];
    int n = parse_features(body, x, err, sizeof err);
    if (n == -1) { respond_error(c, 400, "bad_json", err); return; }
    if (n == -2) { respond_error(c, 400, "bad_features", err); return; }
    if (n != (int) m.d) {
        snprintf(err, sizeof err, "expected %u features, got %d", m.d, n);
        respond_error(c, 400, "bad_features", err);
        return;
    }
    model_features(&m, x, zbuf);
    uint32_t best = model_softmax(&m, zbuf, p);
    char host[65] = "";
    gethostname(host, sizeof host - 1);
    char out[128 + 26 * MODEL_MAX_CLASSES];
    size_t len = (size_t) snprintf(out, sizeof out, "{\"class\":%u,\"probabilities\":[", best);
    for (uint32_t k = 0; k < m.k; k++) len += (size_t) snprintf(out + len, sizeof out - len, "%s%.17g", k ? "," : "", p[k]);
    snprintf(out + len, sizeof out - len, "],\"instance\":\"%s\"}", host);
    respond(c, 200, out);
}

static void route(conn *c, const char *method, const char *path, char *body) {
    char buf[256];
    if (!strcmp(path, "/v1/predict")) {
        if (strcmp(method, "POST")) respond_error(c, 405, "method_not_allowed", "use POST for /v1/predict");
        else predict(c, body);
    } else if (!strcmp(path, "/healthz") || !strcmp(path, "/v1/model")) {
        if (strcmp(method, "GET")) { respond_error(c, 405, "method_not_allowed", "use GET"); return; }
        if (path[1] == 'h') { respond(c, 200, "{\"status\":\"ok\"}"); return; }
        char host[65] = "";
        gethostname(host, sizeof host - 1);
        snprintf(buf, sizeof buf, "{\"model\":\"random-fourier-features+softmax\",\"inputs\":%u,\"features\":%u,"
                "\"classes\":%u,\"instance\":\"%s\"}", m.d, m.f, m.k, host);
        respond(c, 200, buf);
    } else {
        respond_error(c, 404, "not_found", "routes: POST /v1/predict, GET /v1/model, GET /healthz");
    }
}

static int header_is(const char *line, const char *name) {
    size_t n = strlen(name);
    return !strncasecmp(line, name, n) && line[n] == ':';
}

/* Handles one complete request from c->in. Returns 1 if one was handled, 0 if more bytes are needed. */
static int handle_one(conn *c) {
    static char h[IN_CAP + 1]; /* the head, parsed destructively in a copy */
    c->in[c->inlen] = 0;
    char *end = strstr(c->in, "\r\n\r\n");
    if (!end) {
        if (c->inlen >= IN_CAP) { c->closing = 1; respond_error(c, 431, "too_large", "request head too large"); }
        return 0;
    }
    size_t head = (size_t) (end - c->in) + 4;
    memcpy(h, c->in, head - 4);
    h[head - 4] = 0;
    char *next = strstr(h, "\r\n");
    if (next) *next = 0;
    char method[16], target[1024], version[16];
    if (sscanf(h, "%15s %1023s %15s", method, target, version) != 3 || strncmp(version, "HTTP/1.", 7)) {
        c->closing = 1;
        respond_error(c, 400, "bad_request", "malformed request line");
        return 0;
    }
    int keep = !strcmp(version, "HTTP/1.1");
    long length = 0;
    int chunked = 0;
    for (char *line = next ? next + 2 : NULL; line && *line; line = next ? next + 2 : NULL) {
        next = strstr(line, "\r\n");
        if (next) *next = 0;
        if (header_is(line, "content-length")) {
            char *e;
            length = strtol(line + 15, &e, 10);
            if (length < 0 || e == line + 15 || *ws(e)) length = -1;
        } else if (header_is(line, "transfer-encoding")) {
            chunked = 1;
        } else if (header_is(line, "connection")) {
            if (strcasestr(line + 11, "close")) keep = 0;
            else if (strcasestr(line + 11, "keep-alive")) keep = 1;
        }
    }
    if (length < 0 || chunked) {
        c->closing = 1;
        if (chunked) respond_error(c, 411, "length_required", "send the body with a Content-Length");
        else respond_error(c, 400, "bad_request", "bad Content-Length");
        return 0;
    }
    if ((size_t) length > IN_CAP - head) {
        c->closing = 1;
        respond_error(c, 413, "too_large", "request body too large (16 KiB at most)");
        return 0;
    }
    if (c->inlen < head + (size_t) length) return 0;
    char *body = c->in + head;
    char saved = body[length];
    body[length] = 0;
    char *query = strchr(target, '?');
    if (query) *query = 0;
    if (!keep) c->closing = 1;
    route(c, method, target, body);
    body[length] = saved;
    size_t used = head + (size_t) length;
    memmove(c->in, c->in + used, c->inlen - used);
    c->inlen -= used;
    return 1;
}

static void drop(int i) {
    conn *c = conns[i];
    close(c->fd);
    free(c->out);
    free(c);
    nfds--;
    fds[i] = fds[nfds];
    conns[i] = conns[nfds];
}

/* Writes what is pending. Returns 0 to keep the connection, -1 to drop it. */
static int flush(conn *c, struct pollfd *pfd) {
    while (c->outoff < c->outlen) {
        ssize_t w = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            return -1;
        }
        c->outoff += (size_t) w;
    }
    if (c->outoff == c->outlen) {
        c->outoff = c->outlen = 0;
        if (c->closing) return -1;
        pfd->events = POLLIN;
    } else {
        pfd->events = POLLOUT;
    }
    return 0;
}

/* Reads what arrived and answers every complete request in it. Returns -1 to drop the connection. */
static int serve(conn *c, struct pollfd *pfd) {
    int eof = 0;
    for (;;) {
        if (c->inlen >= IN_CAP) break;
        ssize_t r = read(c->fd, c->in + c->inlen, IN_CAP - c->inlen);
        if (r == 0) { /* the client is done sending: answer what it asked, then close */
            eof = 1;
            break;
        }
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            return -1;
        }
        c->inlen += (size_t) r;
    }
    while (!c->closing && handle_one(c) == 1) {
    }
    if (eof) c->closing = 1;
    return flush(c, pfd);
}

static void accept_all(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        conn *c = nfds <= MAX_CONNS ? calloc(1, sizeof(conn)) : NULL;
        if (!c) { close(fd); continue; }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->fd = fd;
        fds[nfds] = (struct pollfd) {.fd = fd, .events = POLLIN};
        conns[nfds++] = c;
    }
}

int main(int argc, char **argv) {
    if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "--port"))) {
        fprintf(stderr, "usage: server MODEL_FILE [--port N]\n");
        return 2;
    }
    int port = argc == 4 ? atoi(argv[3]) : 8080;
    if (port < 1 || port > 65535) { fprintf(stderr, "server: port out of range (1-65535)\n"); return 2; }
    char err[4200];
    if (model_read(&m, argv[1], err, sizeof err) != 0) { fprintf(stderr, "server: %s\n", err); return 1; }
    zbuf = malloc(sizeof(double) * m.f);
    if (!zbuf) { fprintf(stderr, "server: out of memory\n"); return 1; }
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (lfd < 0 || bind(lfd, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(lfd, 4096) != 0) {
        fprintf(stderr, "server: cannot listen on port %d: %s\n", port, strerror(errno));
        return 1;
    }
    fprintf(stderr, "server: model %s (%u inputs, %u random features, %u classes), port %d\n",
            argv[1], m.d, m.f, m.k, port);
    /* fds[0] is the listener, with no conn; connections follow it. */
    fds[0] = (struct pollfd) {.fd = lfd, .events = POLLIN};
    conns[0] = NULL;
    nfds = 1;
    for (;;) {
        if (poll(fds, (nfds_t) nfds, -1) < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "server: poll: %s\n", strerror(errno));
            return 1;
        }
        for (int i = nfds - 1; i >= 1; i--) {
            short ev = fds[i].revents;
            if (!ev) continue;
            int keep = ev & POLLOUT ? flush(conns[i], &fds[i]) : ev & (POLLIN | POLLHUP | POLLERR) ? serve(conns[i], &fds[i]) : 0;
            if (keep < 0) drop(i);
        }
        if (fds[0].revents & POLLIN) accept_all(lfd);
    }
}
