/* A program in parts: main.c calls a function of exit.c, both include parts.h. */
#include "parts.h"

int main(void) {
    return exit_code();
}
