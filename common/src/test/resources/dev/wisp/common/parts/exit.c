#include "parts.h"

int exit_code(void) {
    return PARTS_EXIT;
}
