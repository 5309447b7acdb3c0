/* kernel: what every kernel family provides to the drivers (see docs/design.md).
 *
 * A kernel is described by data: its name, what one item is, its parameters with defaults
 * and ranges, its variants ([0] is the serial reference; each has its own run function) and
 * seven functions: work, check, setup, setup_part, checksum, expected and teardown (check,
 * setup_part and expected may be NULL). The drivers never look inside a kernel's state; a
 * kernel never learns how it is timed.
 *
 * Parameters reach work/check/setup/setup_part as doubles in the order of the params table.
 * Units: struct kernel_work states its own (items, bytes, flops, --size units).
 * Errors: setup and run return 0 or a positive errno-style code (ENOMEM, EINVAL).
 * Thread-safety: one state belongs to one driver thread; variants spawn their own OpenMP
 * teams and read the schedule the driver set with omp_set_schedule(): their scheduled loop
 * uses schedule(runtime), and the driver turns a chunk given in --size units or in bytes into
 * that loop's iterations with struct kernel_work.
 */
#ifndef OMPSWEEP_KERNEL_H
#define OMPSWEEP_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* A parameter is a number: an integer (counts, degrees, flags; the command line accepts
 * 1k, 1M) or a real (sigma). Values reach the kernel as doubles either way. */
enum kernel_param_kind { PARAM_INTEGER, PARAM_REAL };

struct kernel_param {
    const char *name;
    enum kernel_param_kind kind;
    double def, min, max;
    const char *help;
};

enum kernel_variant_flags {
    VARIANT_SERIAL = 1u,  /* ignores the thread count: measured at 1 thread only        */
    VARIANT_CHUNKED = 2u, /* its parallel loop honours the schedule and the chunk size   */
    VARIANT_LIBRARY = 4u, /* calls the library a user would otherwise call (OpenBLAS, GSL) */
    VARIANT_NESTED = 8u,  /* each of its threads opens an inner team of `inner` threads  */
    VARIANT_BLAS = 16u,   /* calls OpenBLAS: its run-time core decides its speed         */
};

struct kernel_variant {
    const char *name;
    const char *summary;
    unsigned flags;
    int (*run)(void *state); /* one repetition; 0 = success                               */
};

/* What one run of a kernel costs at a given size and parameters, for derived rates. */
struct kernel_work {
    double items;           /* items one run processes (the numerator of items/s)     */
    double bytes;           /* memory traffic of one run, STREAM-style counting       */
    double flops;           /* floating-point operations of one run                   */
    double working_set;     /* bytes of the arrays one run touches                    */
    size_t iterations;      /* iterations of the scheduled (schedule(runtime)) loop   */
    double iteration_size;  /* --size units one iteration covers (1 point, 1024 elements) */
    double iteration_bytes; /* bytes of input/output one iteration touches (chunk in bytes) */
};

struct kernel {
    const char *name, *group, *summary;
    const char *item;       /* what one item is: "value", "element", ...             */
    const char *iteration;  /* what one iteration of the scheduled loop is: "point"   */
    const char *size_name;  /* what --size sets: "points", "elements"                */
    const char *chunk_unit; /* what a --chunk count counts (NULL: size_name); such a count */
                            /* is iteration_size units per loop iteration               */
    const char *map_chunks; /* the --chunk list `ompsweep chunkmap` sweeps by default     */
                            /* (NULL: a ladder in bytes from 1K up to the working set)    */
    long default_size, min_size, max_size;
    long small_size;   /* quick enough for the generic tests under ASan (0: 5000)    */
    long ref_max_size; /* above it the reference is too slow to time (0: no limit):   */
                       /* points are validated against expected() instead            */
    double tolerance;  /* allowed |checksum - ref| / |ref|; 0 = same bits        */
    const struct kernel_param *params;     /* terminated by a {NULL} entry            */
    const struct kernel_variant *variants; /* [0] is the reference; {NULL} ends it    */
    /* What one run costs at this size and these parameters: items, bytes and flops of the
     * whole run, its working set and its scheduled loop (for rates, chunks and the roofline). */
    void (*work)(size_t size, const double *params, struct kernel_work *w);
    /* Constraints between size and parameters beyond each one's range: NULL if fine, else a
     * message naming the problem. May be NULL (no constraints). */
    const char *(*check)(size_t size, const double *params);
    /* Allocate and fill the inputs from seed (deterministic, independent of threads);
     * first-touch in parallel with the current OpenMP schedule. */
    int (*setup)(void **state, size_t size, const double *params, uint64_t seed);
    /* One part of a problem split across processes (ompsweep-mpi): as setup(size), but the
     * inputs are items [first, first + size) of those setup(total) would make, and the whole's
     * checksum is the sum of the parts'. The driver cuts parts at multiples of the scheduled
     * loop's iteration_size. NULL: the kernel cannot be split (each process then runs the
     * whole problem, --weak only). */
    int (*setup_part)(void **state, size_t first, size_t size, size_t total, const double *params,
                      uint64_t seed);
    double (*checksum)(const void *state); /* the result of the last run             */
    /* The reference checksum computed another, cheaper way from the state's inputs (e.g. a
     * matrix product projected on two vectors in O(n^2)); required when ref_max_size > 0. */
    double (*expected)(const void *state);
    void (*teardown)(void *state);
};

/* The most parameters a kernel may have: the drivers hold a kernel's parameter values in arrays
 * of this size (the registry test checks every kernel against it). */
#define KERNEL_MAX_PARAMS 16

/* kernels/registry.c: the one list of kernels, NULL-terminated. */
extern const struct kernel *const kernel_registry[];

const struct kernel *kernel_find(const char *name);
const struct kernel_variant *kernel_find_variant(const struct kernel *k, const char *name);
int kernel_param_index(const struct kernel *k, const char *name); /* -1 if unknown */
size_t kernel_param_count(const struct kernel *k);
/* Every parameter's default, in the order of k->params, into params[0 .. kernel_param_count). */
void kernel_default_params(const struct kernel *k, double params[KERNEL_MAX_PARAMS]);
size_t kernel_variant_count(const struct kernel *k);
const char *kernel_chunk_unit(const struct kernel *k); /* chunk_unit, else size_name */

#endif
