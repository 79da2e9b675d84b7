/*
 * Wisp function server: the guest's HTTP side of the shell and binary function runtimes.
 * Usage: fnhttpd PORT sh|exec HANDLER
 * Each request runs HANDLER once (through /bin/sh for "sh"): body on stdin, CGI variables in the
 * environment (REQUEST_METHOD, PATH_INFO, QUERY_STRING, CONTENT_LENGTH, CONTENT_TYPE, HTTP_*),
 * stdout is the response body, optionally led by "Status: 201" / "Content-Type: ..." lines
 * (ended by an empty line, CGI style). A non-zero exit answers 500.
 *
 * Why our own server and not busybox httpd + CGI: busybox routes only /cgi-bin/NAME to scripts
 * and cannot send every path to one handler, nor run a binary without a CGI wrapper script (one
 * more fork and exec of sh per request, each costing milliseconds under TCG). This one forks once
 * per request, parses nothing it does not need and is ~300 lines of plain C.
 * Built static with the host's gcc and glibc when a function image is built.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_HEAD 16384
#define MAX_BODY (1 << 20)
#define MAX_OUT (6 << 20)
#define MAX_ENV 64
#define TIMEOUT_S 300

static const char *mode, *handler;

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

static const char *reason(int status) {
    switch (status) {
    case 200: return "OK"; case 201: return "Created"; case 202: return "Accepted"; case 204: return "No Content";
    case 400: return "Bad Request"; case 404: return "Not Found"; case 413: return "Payload Too Large";
    case 429: return "Too Many Requests"; case 500: return "Internal Server Error"; case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static void respond(int fd, int status, const char *type, const char *body, size_t n) {
    char head[512];
    int h = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason(status), type, n);
    write_all(fd, head, (size_t)h);
    write_all(fd, body, n);
}

static void fail(int fd, int status, const char *msg) {
    respond(fd, status, "text/plain", msg, strlen(msg));
    _exit(0);
}

/* "Content-Type" -> "HTTP_CONTENT_TYPE=value" */
static char *cgi_var(const char *name, const char *value) {
    size_t n = strlen(name), v = strlen(value);
    char *s = malloc(5 + n + 1 + v + 1);
    memcpy(s, "HTTP_", 5);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        s[5 + i] = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    s[5 + n] = '=';
    memcpy(s + 6 + n, value, v + 1);
    return s;
}

static char *env_pair(const char *k, const char *v) {
    char *s = malloc(strlen(k) + strlen(v) + 2);
    sprintf(s, "%s=%s", k, v);
    return s;
}

/* Parses optional CGI header lines at the start of the output; returns the body's offset. */
static size_t parse_cgi_head(char *out, size_t n, int *status, char *type, size_t type_len) {
    size_t pos = 0;
    int seen = 0;
    while (pos < n) {
        char *nl = memchr(out + pos, '\n', n - pos);
        if (!nl) break;
        size_t len = (size_t)(nl - (out + pos));
        char *line = out + pos;
        if (len > 0 && line[len - 1] == '\r') len--;
        if (len == 0) { return seen ? (size_t)(nl - out) + 1 : 0; }
        if (len > 7 && strncasecmp(line, "Status:", 7) == 0) {
            int s = atoi(line + 7);
            if (s >= 100 && s <= 599) *status = s;
        } else if (len > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
            const char *v = line + 13;
            while (*v == ' ') v++;
            size_t vl = len - (size_t)(v - line);
            if (vl >= type_len) vl = type_len - 1;
            memcpy(type, v, vl);
            type[vl] = 0;
        } else {
            break; /* not a header: the body starts here */
        }
        seen = 1;
        pos = (size_t)(nl - out) + 1;
    }
    return seen ? pos : 0;
}

static void serve(int fd) {
    alarm(TIMEOUT_S);
    static char head[MAX_HEAD + 1];
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == MAX_HEAD) fail(fd, 413, "request head too large\n");
        ssize_t r = read(fd, head + have, MAX_HEAD - have);
        if (r <= 0) _exit(0);
        have += (size_t)r;
        head[have] = 0;
        end = strstr(head, "\r\n\r\n");
    }
    size_t head_len = (size_t)(end - head) + 4;
    *end = 0;

    char *save = NULL;
    char *line = strtok_r(head, "\r\n", &save);
    char *method = line ? strtok(line, " ") : NULL;
    char *target = method ? strtok(NULL, " ") : NULL;
    if (!method || !target) fail(fd, 400, "bad request line\n");
    char *query = strchr(target, '?');
    if (query) *query++ = 0; else query = "";

    char *envp[MAX_ENV + 8];
    int ne = 0;
    long content_length = 0;
    const char *content_type = "";
    envp[ne++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    envp[ne++] = "GATEWAY_INTERFACE=CGI/1.1";
    envp[ne++] = env_pair("REQUEST_METHOD", method);
    envp[ne++] = env_pair("PATH_INFO", target);
    envp[ne++] = env_pair("QUERY_STRING", query);
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = 0;
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t') value++;
        if (strcasecmp(line, "Content-Length") == 0) {
            content_length = atol(value);
        } else if (strcasecmp(line, "Content-Type") == 0) {
            content_type = value;
        } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
            fail(fd, 400, "chunked request bodies are not supported; send Content-Length\n");
        } else if (ne < MAX_ENV) {
            envp[ne++] = cgi_var(line, value);
        }
    }
    if (content_length < 0 || content_length > MAX_BODY) fail(fd, 413, "request body over 1 MiB\n");
    char num[32];
    snprintf(num, sizeof num, "%ld", content_length);
    envp[ne++] = env_pair("CONTENT_LENGTH", num);
    envp[ne++] = env_pair("CONTENT_TYPE", content_type);
    envp[ne] = NULL;

    /* The body goes to a memory file so the handler may read it at its own pace. */
    int body = memfd_create("body", 0);
    if (body < 0) fail(fd, 500, "memfd_create failed\n");
    size_t extra = have - head_len;
    if (extra > (size_t)content_length) extra = (size_t)content_length;
    write_all(body, head + head_len, extra);
    static char buf[65536];
    for (long left = content_length - (long)extra; left > 0;) {
        ssize_t r = read(fd, buf, left < (long)sizeof buf ? (size_t)left : sizeof buf);
        if (r <= 0) _exit(0);
        write_all(body, buf, (size_t)r);
        left -= r;
    }
    lseek(body, 0, SEEK_SET);

    int out[2];
    if (pipe(out) < 0) fail(fd, 500, "pipe failed\n");
    pid_t pid = fork();
    if (pid < 0) fail(fd, 500, "fork failed\n");
    if (pid == 0) {
        /* Started with stdin closed (the guest agent's run mode), the memfd itself is fd 0: keep it. */
        if (body != 0) {
            dup2(body, 0);
            close(body);
        }
        dup2(out[1], 1);
        close(out[0]);
        if (out[1] != 1) close(out[1]);
        close(fd);
        if (strcmp(mode, "sh") == 0) {
            char *argv[] = {"sh", (char *)handler, NULL};
            execve("/bin/sh", argv, envp);
        } else {
            char *argv[] = {(char *)handler, NULL};
            execve(handler, argv, envp);
        }
        dprintf(2, "fnhttpd: cannot run %s: %s\n", handler, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    close(body);
    char *res = malloc(MAX_OUT);
    size_t n = 0;
    for (;;) {
        if (n == MAX_OUT) { kill(pid, SIGKILL); break; }
        ssize_t r = read(out[0], res + n, MAX_OUT - n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        n += (size_t)r;
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (n == MAX_OUT) fail(fd, 500, "handler output over 6 MiB\n");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char msg[128];
        int m = WIFEXITED(st) ? snprintf(msg, sizeof msg, "handler exited with status %d\n", WEXITSTATUS(st))
                              : snprintf(msg, sizeof msg, "handler killed by signal %d\n", WTERMSIG(st));
        respond(fd, 500, "text/plain", msg, (size_t)m);
        _exit(0);
    }
    int status = 200;
    char type[256] = "text/plain; charset=utf-8";
    size_t off = parse_cgi_head(res, n, &status, type, sizeof type);
    respond(fd, status, type, res + off, n - off);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[2], "sh") != 0 && strcmp(argv[2], "exec") != 0)) {
        fprintf(stderr, "usage: fnhttpd PORT sh|exec HANDLER\n");
        return 2;
    }
    mode = argv[2];
    handler = argv[3];
    /* Children are reaped by the kernel; a client that hangs up must not kill the server. */
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 128) < 0) {
        perror("fnhttpd: bind/listen");
        return 1;
    }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(s);
            /* The server ignores SIGCHLD; the request child must wait for its handler. */
            signal(SIGCHLD, SIG_DFL);
            serve(c);
        }
        close(c);
    }
}
