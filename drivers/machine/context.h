/* context: what machine, build and environment a run happened in, written once per result
 * file as the "context" object and shown by `ompsweep info`.
 *
 * Units: sizes in bytes, latencies in nanoseconds, dates in UTC. Unknown strings are "unknown"
 * (or "" where noted), unknown counts are 0, unmeasured latencies are NaN.
 *
 * Order matters with OpenMP: call context_default_pinning() first, before any omp_* call or
 * parallel region, then context_collect(). libgomp reads OMP_* variables when it is loaded,
 * before main(), so with GCC a change made by context_default_pinning() only takes effect in a
 * re-executed process; context_pinning_active() tells whether the runtime saw it.
 *
 * Thread-safety: call from the main thread. context_default_pinning() uses setenv() and must
 * run before any other thread exists; the rest only reads shared state.
 */
#ifndef OMPSWEEP_CONTEXT_H
#define OMPSWEEP_CONTEXT_H

#include <stdio.h>

#include "format/json.h"

struct rank_places;

#define CONTEXT_MAX_CACHES 8

struct cache_level {
    int level;            /* 1, 2, 3, ... */
    char type[16];        /* "data" or "unified" */
    long long size_bytes; /* one instance */
    int line_bytes;
    int shared_by_cpus; /* logical CPUs sharing one instance */
    int instances;      /* in the whole machine */
};

struct context {
    char date[32]; /* ISO 8601 UTC, e.g. 2026-11-21T08:30:00Z */
    char host[256];
    char cpu_model[256]; /* /proc/cpuinfo "model name", else hwloc's CPUModel */
    int logical_cpus;    /* online PUs, including those outside this process's cpuset */
    int cores;           /* physical cores */
    int packages, numa_nodes;
    int allowed_cpus; /* CPUs this process may use, see latency_allowed_cpus() */
    struct cache_level caches[CONTEXT_MAX_CACHES]; /* data and unified caches, by level */
    int ncaches;
    /* With OMPSWEEP_CACHES set (drivers/machine/cache_override.h): what hwloc detected, and the
     * override as given; caches[] then holds the sizes in use. Empty otherwise. */
    struct cache_level caches_detected[CONTEXT_MAX_CACHES];
    int ncaches_detected;
    char caches_override[128];
    long long memory_bytes;
    char hypervisor[64]; /* "KVM", "Xen", ..., "unknown" in an unidentified VM, "" on metal */
    char thp[32];        /* transparent huge pages: "always", "madvise", "never", "unknown" */
    char compiler[128];
    char cflags[512];        /* OMPSWEEP_CFLAGS, "unknown" if the build did not define it */
    char git_revision[64];   /* OMPSWEEP_GIT_REVISION, "unknown" if undefined */
    char version[32];        /* OMPSWEEP_VERSION, "0.1.0" if undefined */
    int openmp_version;      /* _OPENMP, e.g. 201511 */
    char openmp_runtime[64]; /* "libgomp", "libomp", ... */
    int omp_max_threads;
    char omp_proc_bind[32]; /* "false", "true", "primary", "close", "spread" */
    int omp_num_places;
    char omp_env[1024]; /* OMP_* and GOMP_* variables, sorted, "NAME=value;NAME=value" */
    char openblas_config[256];
    int openblas_threads;
    char hwloc_version[32];
    char command_line[2048]; /* argv joined by spaces, shell-quoted where needed */
    char slurm_job_id[32], slurm_array_task_id[32]; /* "" if absent */
    int mpi_rank; /* -1 if not launched by an MPI or Slurm launcher */
    /* The ranks of the run and where they are (drivers/machine/rank_places.h): set by the commands
     * that run across ranks, NULL otherwise (written as one rank). */
    const struct rank_places *places;
    double latency_start_ns, latency_end_ns; /* filled by the driver; NaN if not measured */
    int latency_cpu_a, latency_cpu_b;        /* -1 if not measured */
};

/* Fills ctx. Returns 0; never exits. Applies OMPSWEEP_CACHES when it parses (main() refuses
 * the command otherwise). Without a usable hwloc topology the topology fields stay
 * 0 or "unknown", except logical_cpus and memory_bytes, which fall back to sysconf(). */
int context_collect(struct context *ctx, int argc, char **argv);

/* Writes ctx as an object under the key "context" (the writer must be inside an object). */
void context_write_json(struct json_writer *w, const struct context *ctx);

/* Human-readable "key: value" lines for `ompsweep info`. */
void context_print(FILE *f, const struct context *ctx);

/* Size of one instance of the largest data or unified cache, 0 if none is known. */
long long context_last_level_cache_bytes(const struct context *ctx);

/* Which CPU each thread of an OpenMP team of n runs on: cpus[i] for thread i, -1 for a thread
 * the runtime did not create (dynamic teams, thread limits). Returns 0, or -1 if n < 1. */
int context_thread_cpus(int n, int *cpus);

/* Pinning policy: when the user set none of OMP_PROC_BIND, OMP_PLACES, GOMP_CPU_AFFINITY and
 * KMP_AFFINITY, sets OMP_PROC_BIND=close and OMP_PLACES=cores. Returns 1 if it set them, 0 if
 * the user had chosen, -1 if setenv() failed. See the note at the top about libgomp. */
int context_default_pinning(void);

/* Core-to-core latency between the first two allowed CPUs, into latency_start_ns (first call)
 * or latency_end_ns (at_end != 0, same CPUs). Leaves NaN where it cannot be measured. */
void context_measure_latency(struct context *ctx, int at_end);

/* 1 if the latency at the end of a run differs from the start by more than 1.5x either way:
 * the host moved the CPUs (e.g. 30 ns on one chiplet, 170 ns across two). */
int context_placement_changed(const struct context *ctx);

/* "ompsweep COMMAND: warning: ..." on f when the placement changed during the run. */
void context_warn_placement(FILE *f, const char *command, const struct context *ctx);

/* Bytes of this process's anonymous memory backed by transparent huge pages right now
 * (AnonHugePages of /proc/self/smaps_rollup), or -1 where the kernel does not report it. */
long long context_anon_huge_bytes(void);

/* 1 if the OpenMP runtime binds threads (its bind-var is not false), else 0. */
int context_pinning_active(void);

#endif
