/* ranks: the processes of one run, for strong and weak scaling across MPI ranks.
 *
 * `ompsweep` is one process: rank 0 of 1, and every function below is trivial
 * (ranks_single.c). `ompsweep-mpi` is the same program linked with ranks_mpi.c: under mpirun
 * or srun each rank is one MPI process of MPI_COMM_WORLD (MPI_THREAD_FUNNELED: only the main
 * thread calls MPI; OpenMP teams run between the calls).
 *
 * Collective: every function but ranks_rank, ranks_count, ranks_library and ranks_split must be
 * called by every rank, in the same order. A step that can fail on one rank (a setup, an
 * output file) is followed by ranks_max of its error code, so all ranks take the same branch
 * and none waits forever in a collective the others left.
 * Thread-safety: main thread only.
 */
#ifndef OMPSWEEP_RANKS_H
#define OMPSWEEP_RANKS_H

#include <stddef.h>

/* Starts MPI (ompsweep-mpi); 0, or -1 with a message on stderr. */
int ranks_init(int *argc, char ***argv);
void ranks_finalize(void);

int ranks_rank(void);  /* this process's rank, 0 .. ranks_count() - 1 */
int ranks_count(void); /* processes in the run, >= 1 */

/* "none" (ompsweep), or the MPI library's version line (ompsweep-mpi). */
const char *ranks_library(void);

void ranks_barrier(void);

/* The largest v over the ranks, on every rank. */
double ranks_max(double v);

/* v of every rank, in rank order, into all[0 .. ranks_count()), on every rank. */
void ranks_allgather(double v, double *all);

/* text (at most len - 1 bytes are sent) of every rank, in rank order, into
 * all[r * len .. r * len + len), on every rank; each entry is terminated. */
void ranks_allgather_text(const char *text, char *all, size_t len);

/* ---- splitting a problem (pure functions, the same in both builds) ------------------------ */

/* Rank `rank` of `count` takes units [*first, *first + *n) of `units`, by recursive halving:
 * the ranks split into halves of count / 2 and count - count / 2, the units in the same
 * proportion (rounded down), until one rank is left. With a power-of-two count the cuts fall
 * where a pairwise (recursive halving) sum of the units cuts them, so per-rank pairwise sums
 * combined by ranks_combine_sum give the bits of one pairwise sum over all the units. */
void ranks_split(size_t units, int rank, int count, size_t *first, size_t *n);

/* v[0 .. count) summed along the same tree: the two halves' sums, added. */
double ranks_combine_sum(const double *v, int count);

#endif
