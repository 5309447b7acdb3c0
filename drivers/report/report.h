/* report: the data model of `ompsweep report`, shared by its modules.
 *
 * report_load reads every result in a folder (and its sub-folders, one level down): point
 * CSVs (`ompsweep run` and the studies built on it), overhead and break-even CSVs, each with
 * its JSON sidecar (same stem) for the context, and ceilings JSON files. The sections
 * (report_header.c, report_sweep.c, report_chunkmap.c, ...) turn it into Markdown and plots.
 *
 * Units as in the files: seconds, bytes, GB/s (1e9 bytes), GFLOP/s, microseconds for
 * overheads, nanoseconds for latencies. Values that were not measured are NaN.
 * Errors: report_load returns 0, REPORT_NO_FOLDER (the folder is missing) or REPORT_BAD_DATA
 * (a malformed file, no results), with a message naming the file and line. What is refused
 * and what is only a warning is listed in docs/report.md ("What the report refuses"): a file
 * no ompsweep run can have written (a CSV cut short, a value no measurement gives, a CSV and
 * JSON of two runs) is refused; a value that is possible but not believable is a warning and
 * is not used.
 * A JSON sidecar that does not parse is not fatal: its CSV is reported without context and the
 * problem is listed in warnings[]. Hosts with the same CPU, cores and caches are one machine
 * for the series (a job array's tasks spread over a partition's nodes), with a warning.
 * Thread-safety: none needed (one report per process); nothing global.
 */
#ifndef OMPSWEEP_REPORT_H
#define OMPSWEEP_REPORT_H

#include "report/csvread.h"

#include <stddef.h>
#include <stdio.h>

/* What report_load can fail with (the command turns it into an exit code). */
enum report_error { REPORT_BAD_DATA = 1, REPORT_NO_FOLDER = 2 };

#define REPORT_MAX_CACHES 8

struct report_cache {
    int level;
    char type[16];     /* "data", "unified" */
    double size_bytes; /* one instance */
    int shared_by_cpus, instances;
};

struct report_context {
    int present; /* 0: no sidecar, or it did not parse */
    char date[40], host[128], cpu_model[160], git_revision[64], version[32];
    char hypervisor[32], command_line[512];
    char run_id[40]; /* the run that wrote the file (machine/run_id.h); "" in older files */
    int cores, logical_cpus, allowed_cpus;
    double memory_bytes;
    struct report_cache caches[REPORT_MAX_CACHES];
    int ncaches;
    double latency_start_ns, latency_end_ns;
    /* OpenBLAS's core, where it came from, and the warning when a better one was available;
     * "" in files written before they were recorded. */
    char openblas_core[32], openblas_core_source[192], openblas_advice[320];
};

struct report_ceilings {
    int present;
    double peak_gflops, triad_gbytes_per_s, read_gbytes_per_s;
    char host[128], measured[40], source[512]; /* source: the file they came from */
};

/* A cache knee found by `ompsweep cachemap`: where throughput drops as the working set
 * outgrows the capacity of a level for that many threads. */
struct report_knee {
    char variant[32]; /* "" when the file does not say (then it matches every variant) */
    int threads, level;
    double reported_bytes, capacity_bytes, measured_bytes, ratio;
    double inside_gbytes_per_s, outside_gbytes_per_s;
    int within_noise; /* a drop the intervals do not show: no knee */
};

/* What a JSON file holds (a sidecar or a standalone ceilings file). */
struct report_sidecar {
    char schema[64], study[16];
    struct report_context ctx;
    struct report_ceilings ceilings;
    struct report_knee *knees;
    size_t nknees;
    int has_knees; /* the "knees" key was present (possibly empty) */
    /* The interleaved rounds ("measurement"): measured, and of them measured again for a
     * disturbance; -1 when the file has none (written before the rounds). */
    int rounds_measured, rounds_repeated;
    /* How many points (or overheads, break-evens) the file lists; -1 when it has no list. */
    long npoints;
    /* Keys of the wrong type ("NAME:LINE: 'context' is an array, not an object"), "; "
     * between them; "" when there are none. The rest of the file is read. */
    char problems[768];
};

enum report_kind { REPORT_POINTS, REPORT_OVERHEAD, REPORT_BREAKEVEN, REPORT_CEILINGS };

struct report_file {
    char path[4096]; /* as opened */
    char name[512];  /* relative to the folder, for messages and the report */
    enum report_kind kind;
    char machine[160]; /* the series' machine: the host, or "HOST +N" for N + 1 hosts alike */
    struct report_sidecar json;                         /* zeroed when there is no usable sidecar */
    struct csv_table csv;                               /* kept: the rows point into its text */
    int max_threads, max_total_threads, oversubscribed; /* total: with nested teams */
};

struct report_point {
    size_t file; /* index in report_data.files */
    const char *kernel, *variant, *schedule, *chunk, *study, *params;
    int threads, total_threads, oversubscribed;
    int ranks; /* MPI ranks (ompsweep-mpi): threads is then per rank; 1 for a single process */
    double chunk_items, chunk_bytes, size, working_set_bytes;
    double median_s, sd_s, cv, items_per_s, gbytes_per_s, gflops;
    double speedup, efficiency, flops_per_byte;
    /* The median's and the speedup's 95 % intervals; NaN where the file has none (files from
     * before the rounds, or fewer than 6 samples): no finding may rest on such a point. */
    double ci_low_s, ci_high_s, speedup_low, speedup_high;
    /* The fastest schedule and chunk of its variant, size and thread count against it: that
     * point's time / this one's, paired by round, with its 95 % interval; NaN where the file
     * has none. */
    double ratio_best, ratio_best_low, ratio_best_high;
    int unstable; /* its interval never came within the precision asked */
};

struct report_overhead {
    size_t file;
    const char *construct, *schedule, *chunk;
    int threads, oversubscribed;
    double test_us, ref_us, overhead_us, ci_low_us, ci_high_us, samples;
};

struct report_breakeven {
    size_t file;
    const char *kernel, *variant, *status;
    const char *baseline; /* the serial variant compared with; "" (older files): the variant at 1
                             thread */
    int threads;
    double size, working_set_bytes, lower_size, upper_size, time_1thread_s, time_nthreads_s;
    double speedup, measurements;
};

struct report_data {
    char dir[4096];
    struct report_file *files;
    size_t nfiles;
    struct report_point *points;
    size_t npoints;
    struct report_overhead *overheads;
    size_t noverheads;
    struct report_breakeven *breakevens;
    size_t nbreakevens;
    struct report_ceilings ceilings; /* a ceilings file's, else the first run's copy */
    char **warnings;                 /* shown at the top of the report and on stderr */
    size_t nwarnings;
    char **notes; /* files skipped and why, pairs that could not be checked: listed at the end */
    size_t nnotes;
    size_t unchecked_pairs;   /* CSVs whose JSON's run could not be compared (no ids)     */
    char unchecked_name[512]; /* the first of them                                       */
};

int report_load(const char *dir, struct report_data *d, char *err, size_t errlen);
void report_data_free(struct report_data *d);

/* Reads a JSON file (report_json.c, through jansson). Returns 0, or -1 with "NAME:LINE:COL:
 * what" in err when it does not parse or is not an object. Missing keys leave fields unset;
 * keys of the wrong type are also listed in s->problems. */
int report_json_read(const char *path, const char *name, struct report_sidecar *s, char *err,
                     size_t errlen);
void report_sidecar_free(struct report_sidecar *s);

/* The context of the file a point came from (NULL when it has none). */
const struct report_context *report_context_of(const struct report_data *d, size_t file);

#endif
