/*
 * A static-binary function: the same contract as a shell handler (body on stdin, CGI variables in
 * the environment, response on stdout), for code that must be fast or is not a script.
 * Build static: the guest has no libc.  gcc -static -O2 -o handler handler.c
 */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    /* Sums the numbers in the body: "1 2 3.5" -> 6.5 */
    double sum = 0, x;
    int n = 0;
    while (scanf("%lf", &x) == 1) {
        sum += x;
        n++;
    }
    printf("Content-Type: application/json\n\n");
    printf("{\"count\": %d, \"sum\": %g, \"path\": \"%s\"}\n", n, sum, getenv("PATH_INFO") ? getenv("PATH_INFO") : "");
    return 0;
}
