/* rank_places: where the ranks of a run are: each rank's host and the CPUs it may use, and
 * what that means for oversubscription (machine/ranks.h; one rank in the one-process
 * build).
 *
 * CPU lists are in Linux's list format ("0-3,8"). Ranks on the same host whose CPU sets
 * overlap share cores: their threads compete, whatever each rank's own thread count says.
 * Collective: rank_places_collect must be called by every rank. Errors: -1 out of memory.
 * Thread-safety: main thread only.
 */
#ifndef OMPSWEEP_RANK_PLACES_H
#define OMPSWEEP_RANK_PLACES_H

#include <stddef.h>

enum { RANK_HOST_LEN = 64, RANK_CPUS_LEN = 192, RANK_THREADS_LEN = 640 };

struct rank_place {
    char host[RANK_HOST_LEN];
    char cpus[RANK_CPUS_LEN]; /* the CPUs the rank may use, as a list */
    int ncpus;
    int threads; /* its OpenMP team at omp_get_max_threads() */
    /* "cpu/core" of each of those threads in thread order, comma-separated ("0/0,1/1"): the
     * CPU (operating system index) it ran on and that CPU's core (hwloc logical index, -1
     * unknown); "-1/-1" for a thread the runtime did not create. */
    char thread_cpus[RANK_THREADS_LEN];
};

struct rank_places {
    int count, me;            /* ranks; this process's rank */
    struct rank_place *place; /* count of them, in rank order */
    int ranks_on_my_host;     /* ranks (this one included) on this process's host */
    int host_cpus;            /* distinct CPUs those ranks may use between them */
    int overlapping;          /* 1 if two ranks on one host share a CPU (any host) */
};

int rank_places_collect(struct rank_places *p);
void rank_places_free(struct rank_places *p);

/* Whether `threads` threads in every rank oversubscribe this rank's host or the rank itself. */
int rank_places_oversubscribed(const struct rank_places *p, long long threads);

/* The CPU list ("0-3,8") of ids[0 .. n), ascending, into buf (truncated with "..."). */
void rank_places_format_cpus(const int *ids, int n, char *buf, size_t len);

/* Parses a CPU list into set[0 .. max) (1 = in the list); returns the count, -1 if malformed. */
int rank_places_parse_cpus(const char *list, unsigned char *set, int max);

#endif
