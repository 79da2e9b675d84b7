/* A static HTTP server of one file: what a user hands `wisp deploy --dir ./server`. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 64)) return 1;
    const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 26\r\nConnection: close\r\n\r\nhello from a static binary";
    for (;;) {
        int c = accept(s, 0, 0);
        if (c < 0) continue;
        char buf[4096];
        read(c, buf, sizeof buf);
        write(c, r, strlen(r));
        close(c);
    }
}
