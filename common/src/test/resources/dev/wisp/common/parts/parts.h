#define PARTS_EXIT 9
int exit_code(void);
