/* ranks for ompsweep-mpi: one MPI process per rank of MPI_COMM_WORLD (drivers/machine/ranks.h). */
#include "machine/ranks.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank, count = 1, started;
static char library[MPI_MAX_LIBRARY_VERSION_STRING];

int ranks_init(int *argc, char ***argv) {
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "ompsweep-mpi: MPI_Init_thread failed\n");
        return -1;
    }
    started = 1;
    if (provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "ompsweep-mpi: the MPI library does not support threads (FUNNELED)\n");
        return -1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &count);
    int len = 0;
    MPI_Get_library_version(library, &len);
    library[strcspn(library, "\n,")] = '\0'; /* the first line: "Open MPI v4.1.4" */
    return 0;
}

void ranks_finalize(void) {
    if (started)
        MPI_Finalize();
    started = 0;
}

int ranks_rank(void) {
    return rank;
}

int ranks_count(void) {
    return count;
}

const char *ranks_library(void) {
    return library[0] ? library : "MPI";
}

void ranks_barrier(void) {
    MPI_Barrier(MPI_COMM_WORLD);
}

double ranks_max(double v) {
    double out = v;
    MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

void ranks_allgather(double v, double *all) {
    MPI_Allgather(&v, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, MPI_COMM_WORLD);
}

void ranks_allgather_text(const char *text, char *all, size_t len) {
    char *mine = calloc(len ? len : 1, 1);
    if (!mine) {
        MPI_Abort(MPI_COMM_WORLD, 1); /* a collective cannot be left half-way */
        return;
    }
    if (len) {
        strncpy(mine, text, len - 1);
        MPI_Allgather(mine, (int)len, MPI_CHAR, all, (int)len, MPI_CHAR, MPI_COMM_WORLD);
        for (int r = 0; r < count; r++)
            all[(size_t)r * len + len - 1] = '\0';
    }
    free(mine);
}
