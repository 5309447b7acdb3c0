/* ranks for the one-process build: rank 0 of 1. */
#include "machine/ranks.h"

#include <string.h>

int ranks_init(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    return 0;
}

void ranks_finalize(void) {}

int ranks_rank(void) {
    return 0;
}

int ranks_count(void) {
    return 1;
}

const char *ranks_library(void) {
    return "none";
}

void ranks_barrier(void) {}

double ranks_max(double v) {
    return v;
}

void ranks_allgather(double v, double *all) {
    all[0] = v;
}

void ranks_allgather_text(const char *text, char *all, size_t len) {
    if (!len)
        return;
    strncpy(all, text, len - 1);
    all[len - 1] = '\0';
}
