/* blas_core: OpenBLAS's x86-64 cores, their families and what they need (see blas_core.h). */
#include "machine/blas_core.h"

#include "machine/cpu_flags.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct core {
    const char *name; /* as openblas_get_corename() spells it */
    enum blas_family family;
    const char *needs; /* /proc/cpuinfo flags, space-separated */
};

#define AVX512_BASE "avx512f avx512cd avx512bw avx512dq avx512vl"

/* OpenBLAS's 64-bit x86 cores (the 32-bit ones run as Prescott there). What each needs is
 * what its kernels execute: Excavator has AVX2 but runs Piledriver's FMA3 kernels. */
static const struct core cores[] = {
    {"SapphireRapids", BLAS_FAMILY_AVX512, AVX512_BASE " avx512_bf16 amx_bf16 amx_tile"},
    {"Cooperlake", BLAS_FAMILY_AVX512, AVX512_BASE " avx512_bf16"},
    {"SkylakeX", BLAS_FAMILY_AVX512, AVX512_BASE},
    {"Haswell", BLAS_FAMILY_AVX2, "avx2 fma"},
    {"Zen", BLAS_FAMILY_AVX2, "avx2 fma"},
    {"Excavator", BLAS_FAMILY_AVX_FMA, "avx fma"},
    {"Steamroller", BLAS_FAMILY_AVX_FMA, "avx fma"},
    {"Piledriver", BLAS_FAMILY_AVX_FMA, "avx fma"},
    {"Bulldozer", BLAS_FAMILY_AVX_FMA, "avx fma4"},
    {"Sandybridge", BLAS_FAMILY_AVX, "avx"},
    {"Nehalem", BLAS_FAMILY_SSE, "sse4_2"},
    {"Dunnington", BLAS_FAMILY_SSE, "sse4_1"},
    {"Penryn", BLAS_FAMILY_SSE, "sse4_1"},
    {"Core2", BLAS_FAMILY_SSE, "ssse3"},
    {"Atom", BLAS_FAMILY_SSE, "ssse3"},
    {"Bobcat", BLAS_FAMILY_SSE, "ssse3 sse4a"},
    {"Barcelona", BLAS_FAMILY_SSE, "pni sse4a"},
    {"Nano", BLAS_FAMILY_SSE, "pni"},
    {"Opteron_SSE3", BLAS_FAMILY_SSE, "pni"},
    {"Prescott", BLAS_FAMILY_SSE, "pni"},
    {"Opteron", BLAS_FAMILY_SSE, "sse2"},
};
#define NCORES (sizeof cores / sizeof cores[0])

/* The core asked for to reach each family, when the CPU has what it needs (checked in order:
 * an AMD CPU of the FMA4 generation without FMA3 gets Bulldozer). */
static const char *const best_order[] = {"SkylakeX",  "Haswell",     "Piledriver",
                                         "Bulldozer", "Sandybridge", "Nehalem",
                                         "Core2",     "Prescott",    "Opteron"};

static const struct core *find(const char *name) {
    if (!name)
        return NULL;
    for (size_t i = 0; i < NCORES; i++)
        if (strcasecmp(cores[i].name, name) == 0)
            return &cores[i];
    return NULL;
}

int blas_core_runs_on(const char *core, const char *flags, char *missing, size_t cap) {
    const struct core *c = find(core);
    if (!c)
        return -1;
    for (const char *p = c->needs; *p;) {
        size_t len = strcspn(p, " ");
        if (!cpu_flags_has(flags ? flags : "", p, len)) {
            if (missing && cap)
                snprintf(missing, cap, "%.*s", (int)len, p);
            return 0;
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    return 1;
}

enum blas_family blas_core_family(const char *core) {
    const struct core *c = find(core);
    return c ? c->family : BLAS_FAMILY_UNKNOWN;
}

const char *blas_core_canonical(const char *core) {
    const struct core *c = find(core);
    return c ? c->name : NULL;
}

const char *blas_core_best(const char *flags) {
    for (size_t i = 0; i < sizeof best_order / sizeof best_order[0]; i++)
        if (blas_core_runs_on(best_order[i], flags, NULL, 0) == 1)
            return best_order[i];
    return NULL;
}

enum blas_family blas_cpu_family(const char *flags) {
    return blas_core_family(blas_core_best(flags));
}

const char *blas_family_name(enum blas_family family) {
    switch (family) {
    case BLAS_FAMILY_SSE:
        return "SSE";
    case BLAS_FAMILY_AVX:
        return "AVX";
    case BLAS_FAMILY_AVX_FMA:
        return "AVX + FMA";
    case BLAS_FAMILY_AVX2:
        return "AVX2 + FMA";
    case BLAS_FAMILY_AVX512:
        return "AVX-512";
    default:
        return "unknown";
    }
}

const char *blas_core_names(void) {
    static char list[512];
    if (!list[0]) {
        size_t used = 0;
        for (size_t i = 0; i < NCORES && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     cores[i].name);
    }
    return list;
}

int blas_core_check(const char *running, const char *flags, char *advice, size_t cap) {
    if (cap)
        advice[0] = '\0';
    enum blas_family have = blas_core_family(running), best = blas_cpu_family(flags);
    if (have == BLAS_FAMILY_UNKNOWN || best == BLAS_FAMILY_UNKNOWN)
        return -1;
    char missing[32];
    if (blas_core_runs_on(running, flags, missing, sizeof missing) == 0) {
        snprintf(advice, cap,
                 "OpenBLAS runs its %s kernels, which need '%s', and this CPU lacks it: expect "
                 "illegal instructions; unset OPENBLAS_CORETYPE or use --blas-core best",
                 blas_core_canonical(running), missing);
        return 1;
    }
    if (have >= best)
        return 0;
    snprintf(advice, cap,
             "OpenBLAS runs its %s kernels (%s) but this CPU supports %s: its library results "
             "understate OpenBLAS; OPENBLAS_CORETYPE=%s (what --blas-core best sets) runs the "
             "faster kernels",
             blas_core_canonical(running), blas_family_name(have), blas_family_name(best),
             blas_core_best(flags));
    return 1;
}
