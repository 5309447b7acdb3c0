/* context: what machine, build and environment a run happens in, probed once per command:
 * hwloc's topology and caches (with OMPSWEEP_CACHES applied), the hypervisor, huge pages, the
 * compiler and flags, the OpenMP runtime and its OMP_* settings, OpenBLAS, the command line
 * and the SLURM/MPI job. context_write.h writes it (the "context" object of every result file,
 * and `ompsweep info`); engine/latency.h fills in the core-to-core latencies.
 *
 * Units: sizes in bytes, latencies in nanoseconds, dates in UTC. Unknown strings are "unknown"
 * (or "" where noted), unknown counts are 0, unmeasured latencies are NaN.
 *
 * Thread-safety: call from the main thread, outside parallel regions.
 */
#ifndef OMPSWEEP_CONTEXT_H
#define OMPSWEEP_CONTEXT_H

#include "machine/cache_override.h"

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
    /* This run's identity (machine/run_id.h), written into each file of a CSV/JSON pair;
     * "" when the system gave no random bits. */
    char run_id[40];
    char host[256];
    char cpu_model[256]; /* /proc/cpuinfo "model name", else hwloc's CPUModel */
    int logical_cpus;    /* online PUs, including those outside this process's cpuset */
    int cores;           /* physical cores */
    int packages, numa_nodes;
    int allowed_cpus; /* CPUs this process may use, see affinity_allowed_cpus() */
    struct cache_level caches[CONTEXT_MAX_CACHES]; /* data and unified caches, by level */
    int ncaches;
    /* With OMPSWEEP_CACHES set (machine/cache_override.h): what hwloc detected, and the
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
    char openblas_core[32];         /* the core it runs (machine/blas_env.h), e.g. "Haswell" */
    char openblas_core_source[192]; /* where that core came from, in words                  */
    char openblas_core_best[32];    /* the core of the best family the CPU runs; "" unknown */
    char openblas_parallel[16];     /* "openmp", "pthreads", "sequential"                   */
    char openblas_advice[320];      /* blas_core_check's warning, "" when none              */
    char cpu_vector_isa[256];       /* machine/cpu_flags.h: "sse2 sse3 ... avx512f ..."      */
    char openblas_env[512];         /* OPENBLAS_*, GOTO_*, OMPSWEEP_BLAS_CORE, as omp_env    */
    char hwloc_version[32];
    char command_line[2048]; /* argv joined by spaces, shell-quoted where needed */
    char slurm_job_id[32], slurm_array_task_id[32]; /* "" if absent */
    int mpi_rank; /* -1 if not launched by an MPI or Slurm launcher */
    /* The ranks of the run and where they are (machine/rank_places.h): set by the commands
     * that run across ranks, NULL otherwise (written as one rank). */
    const struct rank_places *places;
    double latency_start_ns, latency_end_ns; /* engine/latency.h; NaN if not measured */
    int latency_cpu_a, latency_cpu_b;        /* -1 if not measured */
};

/* Fills ctx. Returns 0; never exits. Applies OMPSWEEP_CACHES when it parses (main() refuses
 * the command otherwise). Without a usable hwloc topology the topology fields stay
 * 0 or "unknown", except logical_cpus and memory_bytes, which fall back to sysconf(). */
int context_collect(struct context *ctx, int argc, char **argv);

/* Puts the n cache sizes of an override in place of the detected ones (adding a unified level
 * that was not detected, one instance per package), after saving the detected levels in
 * ctx->caches_detected; records spec, the override as given. */
void context_override_caches(struct context *ctx, const char *spec, const struct cache_size *sizes,
                             int n);

/* Size of one instance of the largest data or unified cache, 0 if none is known. */
long long context_last_level_cache_bytes(const struct context *ctx);

/* Bytes of this process's anonymous memory backed by transparent huge pages right now
 * (AnonHugePages of /proc/self/smaps_rollup), or -1 where the kernel does not report it. */
long long context_anon_huge_bytes(void);

#endif
