/* blas_core, blas_env, cpu_flags: which OpenBLAS core a CPU should run, the policy that sets
 * OPENBLAS_CORETYPE before the library loads, and what the context and the binary report. */
#include "cli_support.h"
#include "machine/blas_core.h"
#include "machine/blas_env.h"
#include "machine/context.h"
#include "machine/cpu_flags.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* Flag lines as /proc/cpuinfo prints them (shortened to the words that matter here). */
#define SSE_ONLY   "fpu sse sse2 pni ssse3 sse4_1 sse4_2 popcnt"
#define SANDY      SSE_ONLY " avx"
#define PILEDRIVER SSE_ONLY " sse4a avx fma fma4 xop"
#define BULLDOZER  SSE_ONLY " sse4a avx fma4 xop"
#define HASWELL    SANDY " fma avx2 bmi2"
#define SKYLAKEX   HASWELL " avx512f avx512dq avx512cd avx512bw avx512vl"
#define ZEN5       SKYLAKEX " avx_vnni avx512_bf16 avx512vbmi avx512_vnni"
/* AVX-512 without VL (Knights Landing): OpenBLAS's SkylakeX kernels need VL. */
#define KNL HASWELL " avx512f avx512cd avx512er avx512pf"

Test(blas_core, the_best_core_is_the_widest_family_the_flags_allow) {
    const struct {
        const char *flags, *best;
        enum blas_family family;
    } cases[] = {
        {ZEN5, "SkylakeX", BLAS_FAMILY_AVX512},
        {SKYLAKEX, "SkylakeX", BLAS_FAMILY_AVX512},
        {KNL, "Haswell", BLAS_FAMILY_AVX2},
        {HASWELL, "Haswell", BLAS_FAMILY_AVX2},
        {PILEDRIVER, "Piledriver", BLAS_FAMILY_AVX_FMA},
        {BULLDOZER, "Bulldozer", BLAS_FAMILY_AVX_FMA},
        {SANDY, "Sandybridge", BLAS_FAMILY_AVX},
        {SSE_ONLY, "Nehalem", BLAS_FAMILY_SSE},
        {"fpu sse sse2 pni", "Prescott", BLAS_FAMILY_SSE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_expect_str_eq(blas_core_best(cases[i].flags), cases[i].best, "case %zu", i);
        cr_expect_eq(blas_cpu_family(cases[i].flags), cases[i].family, "case %zu", i);
    }
    cr_expect_null(blas_core_best(""), "no flags: not an x86-64 CPU we know");
    cr_expect_null(blas_core_best("fp asimd evtstrm aes"), "an Arm CPU's features");
}

Test(blas_core, flags_are_whole_words) {
    /* "avx512fx" is not avx512f, "avx" inside "avx2" is not avx. */
    cr_expect_eq(
        blas_core_runs_on("SkylakeX", "avx512fx avx512cd avx512bw avx512dq avx512vl", NULL, 0), 0);
    cr_expect_eq(blas_core_runs_on("Sandybridge", "sse2 avx2", NULL, 0), 0);
    cr_expect_eq(blas_core_runs_on("Sandybridge", "sse2 avx avx2", NULL, 0), 1);
    char missing[32];
    cr_expect_eq(blas_core_runs_on("Cooperlake", SKYLAKEX, missing, sizeof missing), 0);
    cr_expect_str_eq(missing, "avx512_bf16");
    cr_expect_eq(blas_core_runs_on("NoSuchCore", SKYLAKEX, NULL, 0), -1);
}

Test(blas_core, names_any_case_and_families) {
    cr_expect_str_eq(blas_core_canonical("skylakex"), "SkylakeX");
    cr_expect_str_eq(blas_core_canonical("ZEN"), "Zen");
    cr_expect_null(blas_core_canonical("armv8"));
    cr_expect_eq(blas_core_family("Zen"), blas_core_family("Haswell"), "same kernels, one family");
    cr_expect_eq(blas_core_family("Prescott"), BLAS_FAMILY_SSE);
    cr_expect_eq(blas_core_family("Cooperlake"), BLAS_FAMILY_AVX512);
    cr_expect_eq(blas_core_family(NULL), BLAS_FAMILY_UNKNOWN);
    cr_expect(strstr(blas_core_names(), "SkylakeX, Haswell, Zen"));
}

/* The check on a table of (CPU, running core) cases: warn, naming the fix, exactly when a
 * better family is available or the core cannot run here. */
Test(blas_core, check_warns_only_when_a_better_family_is_available) {
    const struct {
        const char *flags, *running;
        int expect;
        const char *words; /* in the advice */
    } cases[] = {
        {ZEN5, "Haswell", 1,
         "OPENBLAS_CORETYPE=SkylakeX"},                /* the VM's environment on EPYC family 26 */
        {SKYLAKEX, "Prescott", 1, "supports AVX-512"}, /* ... on Xeon family 6 model 207 */
        {ZEN5, "SkylakeX", 0, ""},
        {ZEN5, "Cooperlake", 0, ""},
        {HASWELL, "Zen", 0, ""},
        {HASWELL, "Haswell", 0, ""},
        {HASWELL, "Sandybridge", 1, "OPENBLAS_CORETYPE=Haswell"},
        {KNL, "Haswell", 0, ""},
        {PILEDRIVER, "Bulldozer", 0, ""},
        {SANDY, "Prescott", 1, "supports AVX:"},
        {HASWELL, "SkylakeX", 1, "lacks it"},
        {SKYLAKEX, "Cooperlake", 1, "'avx512_bf16'"},
        {SKYLAKEX, "unknown", -1, ""},
        {"", "Haswell", -1, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char advice[320] = "x";
        int rc = blas_core_check(cases[i].running, cases[i].flags, advice, sizeof advice);
        cr_expect_eq(rc, cases[i].expect, "case %zu: %d (%s)", i, rc, advice);
        if (cases[i].expect == 1)
            cr_expect(strstr(advice, cases[i].words), "case %zu: '%s' lacks '%s'", i, advice,
                      cases[i].words);
        else
            cr_expect_str_eq(advice, "", "case %zu", i);
    }
}

Test(blas_env, policies_are_checked_against_the_cpu) {
    char err[512];
    cr_expect_eq(blas_policy_check("best", HASWELL, err, sizeof err), 0);
    cr_expect_eq(blas_policy_check("as-installed", "", err, sizeof err), 0);
    cr_expect_eq(blas_policy_check("skylakex", ZEN5, err, sizeof err), 0);
    cr_expect_eq(blas_policy_check("Foo", ZEN5, err, sizeof err), 2);
    cr_expect(strstr(err, "unknown core 'Foo'") && strstr(err, "SkylakeX"), "%s", err);
    cr_expect_eq(blas_policy_check("SkylakeX", HASWELL, err, sizeof err), 2);
    cr_expect_str_eq(err, "SkylakeX needs 'avx512f', which this CPU lacks");
}

static void clear_env(void) {
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("OMPSWEEP_BLAS_CORE_SET");
    unsetenv(BLAS_POLICY_VAR);
}

static const char *coretype(void) {
    const char *v = getenv("OPENBLAS_CORETYPE");
    return v ? v : "(unset)";
}

Test(blas_env, best_sets_the_core_only_when_unset_and_worse, .init = clear_env) {
    char source[256];
    /* OpenBLAS chose Haswell on an AVX-512 CPU: ask for SkylakeX, once. */
    cr_expect_eq(blas_env_apply(ZEN5, "Haswell"), 1);
    cr_expect_str_eq(coretype(), "SkylakeX");
    blas_env_source(source, sizeof source);
    cr_expect(strstr(source, "set by ompsweep: OPENBLAS_CORETYPE=SkylakeX"), "%s", source);
    cr_expect_eq(blas_env_apply(ZEN5, "SkylakeX"), 0, "the second start changes nothing");

    /* Already the best family: OpenBLAS's own choice stays, nothing is set. */
    clear_env();
    cr_expect_eq(blas_env_apply(HASWELL, "Zen"), 0);
    cr_expect_str_eq(coretype(), "(unset)");
    blas_env_source(source, sizeof source);
    cr_expect_str_eq(source, "OpenBLAS's own choice");

    /* The user's own choice is not replaced by the default policy ... */
    setenv("OPENBLAS_CORETYPE", "Prescott", 1);
    cr_expect_eq(blas_env_apply(ZEN5, "Prescott"), 0);
    cr_expect_str_eq(coretype(), "Prescott");
    blas_env_source(source, sizeof source);
    cr_expect_str_eq(source, "OPENBLAS_CORETYPE=Prescott from the environment");
    /* ... but by --blas-core best, when it is of a lesser family. */
    setenv(BLAS_POLICY_VAR, "best", 1);
    cr_expect_eq(blas_env_apply(ZEN5, "Prescott"), 1);
    cr_expect_str_eq(coretype(), "SkylakeX");
    cr_expect_eq(blas_env_apply(ZEN5, "SkylakeX"), 0);
    setenv("OPENBLAS_CORETYPE", "Cooperlake", 1);
    unsetenv("OMPSWEEP_BLAS_CORE_SET");
    cr_expect_eq(blas_env_apply(ZEN5, "Cooperlake"), 0, "already the best family");
}

Test(blas_env, as_installed_and_named_policies, .init = clear_env) {
    char source[256];
    setenv(BLAS_POLICY_VAR, "as-installed", 1);
    cr_expect_eq(blas_env_apply(ZEN5, "Haswell"), 0, "nothing to remove");
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
    cr_expect_eq(blas_env_apply(ZEN5, "SkylakeX"), 1, "the user's variable goes");
    cr_expect_str_eq(coretype(), "(unset)");
    blas_env_source(source, sizeof source);
    cr_expect_str_eq(source, "OpenBLAS's own choice (--blas-core as-installed)");

    setenv(BLAS_POLICY_VAR, "sandybridge", 1);
    cr_expect_eq(blas_env_apply(ZEN5, "Haswell"), 1);
    cr_expect_str_eq(coretype(), "Sandybridge");
    cr_expect_eq(blas_env_apply(ZEN5, "Sandybridge"), 0);
    blas_env_source(source, sizeof source);
    cr_expect_str_eq(source, "OPENBLAS_CORETYPE=Sandybridge (--blas-core sandybridge)");
}

Test(cpu_flags, the_flags_line_and_its_vector_features) {
    char path[] = "/tmp/ompsweep-cpuinfo-XXXXXX", flags[CPU_FLAGS_MAX], isa[256];
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "processor\t: 0\nflags\t\t: fpu sse2 pni avx avx2 fma avx512f avx512vl\n"
               "bugs\t\t: none\n\nprocessor\t: 1\nflags\t\t: fpu\n");
    fclose(f);
    cr_expect_eq(cpu_flags_read(path, flags, sizeof flags), 0);
    cr_expect_str_eq(flags, "fpu sse2 pni avx avx2 fma avx512f avx512vl");
    cpu_vector_features(flags, isa, sizeof isa);
    cr_expect_str_eq(isa, "sse2 sse3 avx fma avx2 avx512f avx512vl");
    unlink(path);
    cr_expect_eq(cpu_flags_read(path, flags, sizeof flags), -1);
    cr_expect_str_eq(flags, "");
}

/* The value of "key": "..." in a JSON text, or "" if absent. */
static void json_value(const char *json, const char *key, char *out, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    const char *p = strstr(json, pattern);
    out[0] = '\0';
    if (p) {
        p += strlen(pattern);
        snprintf(out, cap, "%.*s", (int)strcspn(p, "\""), p);
    }
}

Test(context, carries_the_core_openblas_runs) {
    struct context ctx;
    char *argv[] = {"test", NULL};
    context_collect(&ctx, 1, argv);
    cr_expect_str_eq(ctx.openblas_core, blas_running_core());
    cr_expect_str_neq(ctx.openblas_core, "unknown", "a DYNAMIC_ARCH OpenBLAS names its core");
    cr_expect_str_eq(ctx.openblas_parallel, "openmp", "the OpenMP build (scripts/deps.sh)");
}

/* On this machine, whatever its CPU and whatever OPENBLAS_CORETYPE the environment carries:
 * by default the binary runs a core of the best family the CPU supports; as installed it runs
 * what OpenBLAS picks; OPENBLAS_CORETYPE from the user wins over the default but not over
 * --blas-core best; a bad --blas-core is a usage error. */
#define CLEAN_ENV "env -u OPENBLAS_CORETYPE -u OMPSWEEP_BLAS_CORE -u OMPSWEEP_BLAS_CORE_SET "

Test(binary, runs_openblas_at_its_best_by_default) {
    char flags[CPU_FLAGS_MAX], out[65536], core[64], text[512];
    cpu_flags_read(NULL, flags, sizeof flags);
    if (blas_cpu_family(flags) == BLAS_FAMILY_UNKNOWN)
        cr_skip_test("not an x86-64 CPU with known features");

    cr_assert_eq(run_shell(CLEAN_ENV OMPSWEEP_BIN " info --json 2>&1", out, sizeof out), 0, "%s",
                 out);
    json_value(out, "openblas_core", core, sizeof core);
    cr_expect_eq(blas_core_family(core), blas_cpu_family(flags), "runs %s", core);
    cr_expect_eq(blas_core_runs_on(core, flags, NULL, 0), 1);
    json_value(out, "openblas_advice", text, sizeof text);
    cr_expect_str_eq(text, "");

    cr_assert_eq(run_shell(CLEAN_ENV OMPSWEEP_BIN " info --json --blas-core as-installed 2>&1", out,
                           sizeof out),
                 0, "%s", out);
    json_value(out, "openblas_core", core, sizeof core);
    cr_expect_neq(blas_core_family(core), BLAS_FAMILY_UNKNOWN, "the library's own choice: %s",
                  core);
    json_value(out, "openblas_core_source", text, sizeof text);
    cr_expect_str_eq(text, "OpenBLAS's own choice (--blas-core as-installed)");

    cr_assert_eq(run_shell(CLEAN_ENV "OPENBLAS_CORETYPE=Prescott " OMPSWEEP_BIN
                                     " info --json 2>/dev/null",
                           out, sizeof out),
                 0);
    json_value(out, "openblas_core", core, sizeof core);
    cr_expect_str_eq(core, "Prescott");
    json_value(out, "openblas_core_source", text, sizeof text);
    cr_expect_str_eq(text, "OPENBLAS_CORETYPE=Prescott from the environment");
    json_value(out, "openblas_env", text, sizeof text);
    cr_expect(strstr(text, "OPENBLAS_CORETYPE=Prescott"), "%s", text);
    json_value(out, "openblas_advice", text, sizeof text);
    if (blas_cpu_family(flags) > BLAS_FAMILY_SSE) {
        cr_expect(strstr(text, "OpenBLAS runs its Prescott kernels (SSE)"), "%s", text);
        cr_assert_eq(run_shell(CLEAN_ENV "OPENBLAS_CORETYPE=Prescott " OMPSWEEP_BIN
                                         " info --json --blas-core best 2>/dev/null",
                               out, sizeof out),
                     0);
        json_value(out, "openblas_core", core, sizeof core);
        cr_expect_eq(blas_core_family(core), blas_cpu_family(flags), "best replaces it: %s", core);
    }

    cr_expect_eq(run_ompsweep("info --blas-core Foo", out, sizeof out), 2);
    cr_expect(strstr(out, "ompsweep info: --blas-core: unknown core 'Foo'"), "%s", out);
    cr_expect_eq(run_ompsweep("run dot --blas-core", out, sizeof out), 2);
    cr_expect(strstr(out, "--blas-core needs a value"), "%s", out);
    cr_expect_eq(run_shell("OMPSWEEP_BLAS_CORE=Bar " OMPSWEEP_BIN " info 2>&1", out, sizeof out),
                 2);
    cr_expect(strstr(out, "OMPSWEEP_BLAS_CORE: unknown core 'Bar'"), "%s", out);
}
