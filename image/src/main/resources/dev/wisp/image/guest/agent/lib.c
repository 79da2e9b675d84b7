/* Helpers shared by the agent's parts: strings, numbers, console markers, files. */
#include "agent.h"

size_t len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* v in decimal at out (NUL-terminated, at most 20 digits); returns out. */
char *decimal(char *out, unsigned long v) {
    char tmp[21];
    int k = 0;
    do tmp[k++] = (char)('0' + v % 10); while ((v /= 10) && k < 20);
    for (int i = 0; i < k; i++) out[i] = tmp[k - 1 - i];
    out[k] = 0;
    return out;
}

void say(const char *a, const char *b) {
    char line[256];
    size_t n = 0;
    for (const char *p = "@@wisp "; *p && n < sizeof line - 2; p++) line[n++] = *p;
    for (const char *p = a; *p && n < sizeof line - 2; p++) line[n++] = *p;
    for (const char *p = b; p && *p && n < sizeof line - 2; p++) line[n++] = *p;
    line[n++] = '\n';
    sys(SYS_write, 1, (long)line, (long)n, 0);
}

int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int same(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

/* Splits off the next blank-separated field of the line at *p (NUL-terminating it); null at its end. */
char *field(char **p) {
    char *s = *p;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) return 0;
    char *start = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (*s) *s++ = 0;
    *p = s;
    return start;
}

int same_name(const char *a, const char *b) {
    while (*a && *a != '=' && *a == *b) a++, b++;
    return (*a == '=' || !*a) && (*b == '=' || !*b);
}

long number(const char *s) {
    long n = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > 0x7fffffffL / 10) return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

int starts(const char *s, const char *prefix) {
    while (*prefix && *s == *prefix) s++, prefix++;
    return !*prefix;
}

int exists(const char *path) {
    long fd = sys(SYS_open, (long)path, O_RDONLY, 0, 0);
    if (fd >= 0) sys(SYS_close, fd, 0, 0, 0);
    return fd >= 0;
}
