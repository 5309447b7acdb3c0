/* blas_core: which of OpenBLAS's kernel families the CPU could run, and whether the one it
 * runs is the best of them.
 *
 * A DYNAMIC_ARCH build of OpenBLAS (Debian's) picks a "core" (a set of kernels tuned for one
 * processor: Haswell, SkylakeX, Zen, ...) when it is loaded, from the CPU's family and model.
 * A processor newer than the library is often not recognised and gets an older core: Debian's
 * 0.3.21 runs its Prescott (SSE3) kernels on an Intel Xeon of family 6 model 207, which has
 * AVX-512 (on an AMD EPYC of family 26 it picks Cooperlake, an AVX-512 core). The environment
 * variable OPENBLAS_CORETYPE, read once when the library loads, names the core instead, and an
 * inherited one can hold the library back as surely (the development VM's sets Haswell)
 * (docs/blas.md).
 *
 * Here the cores are grouped by the vector instructions their double-precision kernels use,
 * from OpenBLAS's own core list (driver/others/dynamic.c and kernel/x86_64/KERNEL.*): a
 * family is "better" than another when its kernels use wider vectors or fused multiply-add.
 * Cores of one family count as equal (Zen and Haswell share their dgemm and ddot kernels), so
 * the library's own choice is kept whenever it is of the best family the CPU supports.
 *
 * CPU features are the words of /proc/cpuinfo's "flags" line (Linux's names: "pni" is SSE3),
 * which the kernel clears for what the operating system does not enable (AVX-512 state, for
 * one). Everything here is pure: the flags are passed in as a string.
 * Errors: unknown core names and flag sets without a known family give BLAS_FAMILY_UNKNOWN
 * (-1) and no advice. Thread-safety: reentrant.
 */
#ifndef OMPSWEEP_BLAS_CORE_H
#define OMPSWEEP_BLAS_CORE_H

#include <stddef.h>

enum blas_family {
    BLAS_FAMILY_UNKNOWN = -1,
    BLAS_FAMILY_SSE = 1,     /* 128-bit vectors: Prescott, Core2, Nehalem, Barcelona, ...  */
    BLAS_FAMILY_AVX = 2,     /* 256-bit, separate multiply and add: Sandybridge             */
    BLAS_FAMILY_AVX_FMA = 3, /* 256-bit with FMA3 or FMA4: Bulldozer to Excavator          */
    BLAS_FAMILY_AVX2 = 4,    /* 256-bit AVX2 + FMA3: Haswell, Zen                          */
    BLAS_FAMILY_AVX512 = 5   /* 512-bit: SkylakeX, Cooperlake, SapphireRapids              */
};

/* The family of an OpenBLAS core name (as openblas_get_corename() spells it; any case), or
 * BLAS_FAMILY_UNKNOWN. */
enum blas_family blas_core_family(const char *core);

/* 1 when every feature the core needs is among the flags, 0 when one is missing (its name
 * goes to missing, if not NULL), -1 for an unknown core. */
int blas_core_runs_on(const char *core, const char *flags, char *missing, size_t cap);

/* The best family the flags allow, or BLAS_FAMILY_UNKNOWN (no SSE2: not an x86-64 CPU). */
enum blas_family blas_cpu_family(const char *flags);

/* The core to ask for to get the best family the flags allow ("SkylakeX" for AVX-512,
 * "Haswell" for AVX2, ...), or NULL when the family is unknown. */
const char *blas_core_best(const char *flags);

/* The family's name in words ("AVX-512", "AVX2 + FMA"), "unknown" otherwise. */
const char *blas_family_name(enum blas_family family);

/* A known core's name as OpenBLAS spells it ("skylakex" -> "SkylakeX"), NULL if unknown. */
const char *blas_core_canonical(const char *core);

/* The known core names, comma-separated, for messages. */
const char *blas_core_names(void);

/* Compares the core OpenBLAS runs with what the CPU supports. Returns 1 and writes a
 * warning to advice when a better family is available or when the core needs a feature the
 * CPU lacks; 0 (advice "") when the core is of the best family; -1 (advice "") when the core
 * or the flags are unknown. The warning names the fix; it does not end with a full stop. */
int blas_core_check(const char *running, const char *flags, char *advice, size_t cap);

#endif
