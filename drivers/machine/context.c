/* context: what machine, build and environment a run happens in, probed (see context.h). */
#include "machine/context.h"

#include "machine/affinity.h"
#include "machine/blas_core.h"
#include "machine/blas_env.h"
#include "machine/cpu_flags.h"
#include "machine/run_id.h"

#include <hwloc.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if HWLOC_API_VERSION < 0x00020000
#error "ompsweep needs hwloc 2.x"
#endif

/* OpenBLAS's own header lives in a flavour-specific directory; two prototypes are simpler. */
char *openblas_get_config(void);
int openblas_get_num_threads(void);

extern char **environ;

#ifndef OMPSWEEP_VERSION
#define OMPSWEEP_VERSION "0.1.0"
#endif

/* ---- bounded strings ------------------------------------------------------------------- */

/* An appender that never overflows: text that does not fit is cut and ends in "...", so a
 * truncated command line or environment is visibly incomplete rather than silently wrong. */
struct text {
    char *buf;
    size_t cap, len;
    int truncated;
};

static void text_init(struct text *t, char *buf, size_t cap) {
    t->buf = buf;
    t->cap = cap;
    t->len = 0;
    t->truncated = 0;
    buf[0] = '\0';
}

static void text_addn(struct text *t, const char *s, size_t n) {
    if (t->truncated)
        return;
    if (t->len + n < t->cap) {
        memcpy(t->buf + t->len, s, n);
        t->len += n;
        t->buf[t->len] = '\0';
        return;
    }
    t->truncated = 1;
    memcpy(t->buf + t->len, s, t->cap - 1 - t->len);
    t->len = t->cap - 1;
    t->buf[t->len] = '\0';
    if (t->cap > 3)
        memcpy(t->buf + t->cap - 4, "...", 3);
}

static void text_add(struct text *t, const char *s) {
    text_addn(t, s, strlen(s));
}

static void set_string(char *dst, size_t cap, const char *src) {
    struct text t;
    text_init(&t, dst, cap);
    text_add(&t, src ? src : "");
}

static char *trim(char *s) {
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* First line of a small text file (sysfs, procfs), trimmed; -1 if it cannot be read. */
static int read_first_line(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "r");
    char line[512];
    int ok;
    if (!f)
        return -1;
    ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    set_string(buf, cap, trim(line));
    return 0;
}

/* ---- host, CPU and OS ------------------------------------------------------------------ */

static void collect_date(struct context *ctx) {
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(ctx->date, sizeof ctx->date, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        set_string(ctx->date, sizeof ctx->date, "unknown");
}

static void collect_host(struct context *ctx) {
    if (gethostname(ctx->host, sizeof ctx->host - 1) != 0)
        set_string(ctx->host, sizeof ctx->host, "unknown");
    ctx->host[sizeof ctx->host - 1] = '\0';
}

/* Model name and the 'hypervisor' flag of the first processor in /proc/cpuinfo. */
static void read_cpuinfo(struct context *ctx, int *in_vm) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    int have_model = 0, have_flags = 0;
    if (!f)
        return;
    while ((!have_model || !have_flags) && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        if (!have_model && strcmp(trim(line), "model name") == 0) {
            set_string(ctx->cpu_model, sizeof ctx->cpu_model, trim(colon + 1));
            have_model = 1;
        } else if (!have_flags && strcmp(trim(line), "flags") == 0) {
            *in_vm = cpu_flags_has(trim(colon + 1), "hypervisor", strlen("hypervisor"));
            have_flags = 1;
        }
    }
    fclose(f);
}

/* Vendor signature of CPUID leaf 0x40000000, which hypervisors fill in for their guests. */
static void cpuid_hypervisor(char *out, size_t cap) {
#if defined(__x86_64__) || defined(__i386__)
    static const char *const names[][2] = {
        {"KVMKVMKVM", "KVM"},          {"Microsoft Hv", "Hyper-V"}, {"VMwareVMware", "VMware"},
        {"XenVMMXenVMM", "Xen"},       {"TCGTCGTCGTCG", "QEMU"},    {"VBoxVBoxVBox", "VirtualBox"},
        {" lrpepyh  vr", "Parallels"}, {"bhyve bhyve ", "bhyve"},   {"ACRNACRNACRN", "ACRN"},
    };
    unsigned a, b, c, d;
    char sig[13];
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 31))) /* without the hypervisor bit the leaf holds unrelated data */
        return;
    __cpuid(0x40000000, a, b, c, d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strncmp(sig, names[i][0], strlen(names[i][0])) == 0) {
            set_string(out, cap, names[i][1]);
            return;
        }
    }
    for (int i = 0; i < 12; i++) /* an unlisted vendor: keep its signature, printable only */
        if (sig[i] != '\0' && (sig[i] < 0x20 || sig[i] > 0x7e))
            return;
    set_string(out, cap, trim(sig));
#else
    (void)out;
    (void)cap;
#endif
}

static void collect_hypervisor(struct context *ctx) {
    int in_vm = 0;
    read_cpuinfo(ctx, &in_vm);
    cpuid_hypervisor(ctx->hypervisor, sizeof ctx->hypervisor);
    if (ctx->hypervisor[0] == '\0')
        read_first_line("/sys/hypervisor/type", ctx->hypervisor, sizeof ctx->hypervisor);
    if (ctx->hypervisor[0] == '\0' && in_vm)
        read_first_line("/sys/class/dmi/id/sys_vendor", ctx->hypervisor, sizeof ctx->hypervisor);
    if (ctx->hypervisor[0] == '\0' && in_vm)
        set_string(ctx->hypervisor, sizeof ctx->hypervisor, "unknown");
}

static void collect_thp(struct context *ctx) {
    char line[256], *open, *close;
    set_string(ctx->thp, sizeof ctx->thp, "unknown");
    if (read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof line) != 0)
        return;
    open = strchr(line, '[');
    close = open ? strchr(open, ']') : NULL;
    if (!close)
        return;
    *close = '\0';
    set_string(ctx->thp, sizeof ctx->thp, open + 1);
}

/* ---- hwloc topology -------------------------------------------------------------------- */

static int count_type(hwloc_topology_t topo, hwloc_obj_type_t type) {
    int n = hwloc_get_nbobjs_by_type(topo, type);
    return n > 0 ? n : 0; /* -1 means "at several depths", which only caches could be */
}

static void collect_caches(struct context *ctx, hwloc_topology_t topo) {
    static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
                                             HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE,
                                             HWLOC_OBJ_L5CACHE};
    ctx->ncaches = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int n = count_type(topo, types[i]);
        hwloc_obj_t obj = n > 0 ? hwloc_get_obj_by_type(topo, types[i], 0) : NULL;
        struct cache_level *c;
        if (!obj || obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ||
            ctx->ncaches == CONTEXT_MAX_CACHES)
            continue;
        c = &ctx->caches[ctx->ncaches++];
        c->level = (int)obj->attr->cache.depth;
        set_string(c->type, sizeof c->type,
                   obj->attr->cache.type == HWLOC_OBJ_CACHE_DATA ? "data" : "unified");
        c->size_bytes = (long long)obj->attr->cache.size;
        c->line_bytes = (int)obj->attr->cache.linesize;
        c->shared_by_cpus = obj->cpuset ? hwloc_bitmap_weight(obj->cpuset) : 0;
        c->instances = n;
    }
}

static void collect_hwloc_strings(struct context *ctx, hwloc_topology_t topo) {
    hwloc_obj_t root = hwloc_get_root_obj(topo);
    hwloc_obj_t package = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
    const char *version = hwloc_obj_get_info_by_name(root, "hwlocVersion");
    const char *model = package ? hwloc_obj_get_info_by_name(package, "CPUModel") : NULL;
    if (version)
        set_string(ctx->hwloc_version, sizeof ctx->hwloc_version, version);
    if (model && strcmp(ctx->cpu_model, "unknown") == 0)
        set_string(ctx->cpu_model, sizeof ctx->cpu_model, model);
}

static void collect_topology(struct context *ctx) {
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return;
        /* Describe the machine, not the cgroup: allowed_cpus says what this job may use. */
#if HWLOC_API_VERSION >= 0x00020100
    hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
#else
    hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_WHOLE_SYSTEM);
#endif
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return;
    }
    ctx->logical_cpus = count_type(topo, HWLOC_OBJ_PU);
    ctx->cores = count_type(topo, HWLOC_OBJ_CORE);
    ctx->packages = count_type(topo, HWLOC_OBJ_PACKAGE);
    ctx->numa_nodes = count_type(topo, HWLOC_OBJ_NUMANODE);
    collect_caches(ctx, topo);
    collect_hwloc_strings(ctx, topo);
    hwloc_topology_destroy(topo);
}

/* Without hwloc the OS still knows how many CPUs and how much memory there are. */
static void topology_fallbacks(struct context *ctx) {
    if (ctx->logical_cpus <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        ctx->logical_cpus = n > 0 ? (int)n : 0;
    }
    /* Memory from the OS, not hwloc: the NUMA nodes of some VMs under-report it (hwloc says
     * 5 GiB of this development machine's 24). */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    ctx->memory_bytes = pages > 0 && page > 0 ? (long long)pages * page : 0;
}

/* ---- build and runtimes ---------------------------------------------------------------- */

static void collect_build(struct context *ctx) {
#if defined(__clang__) || !defined(__GNUC__)
    const char *compiler = __VERSION__; /* clang and icx name themselves in __VERSION__ */
#else
    const char *compiler = "gcc " __VERSION__;
#endif
#ifdef OMPSWEEP_CFLAGS
    const char *cflags = OMPSWEEP_CFLAGS;
#else
    const char *cflags = "unknown";
#endif
#ifdef OMPSWEEP_GIT_REVISION
    const char *revision = OMPSWEEP_GIT_REVISION;
#else
    const char *revision = "unknown";
#endif
    set_string(ctx->compiler, sizeof ctx->compiler, compiler);
    set_string(ctx->cflags, sizeof ctx->cflags, cflags);
    set_string(ctx->git_revision, sizeof ctx->git_revision, revision);
    set_string(ctx->version, sizeof ctx->version, OMPSWEEP_VERSION);
}

static void compiler_default_runtime(char *out, size_t cap) {
#if defined(__INTEL_LLVM_COMPILER) || defined(__INTEL_COMPILER)
    set_string(out, cap, "libiomp5");
#elif defined(__clang__)
    set_string(out, cap, "libomp");
#elif defined(__GNUC__)
    set_string(out, cap, "libgomp");
#else
    set_string(out, cap, "unknown");
#endif
}

/* The library that actually provides omp_get_max_threads, found in /proc/self/maps: with
 * several OpenMP runtimes loaded (e.g. clang code plus a libgomp-built OpenBLAS) the compiler
 * alone cannot say which one runs our regions. */
static void collect_openmp_runtime(char *out, size_t cap) {
    uintptr_t addr = (uintptr_t)omp_get_max_threads;
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    compiler_default_runtime(out, cap);
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        int pos = 0;
        char *name, *so;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &pos) < 2 || pos == 0 ||
            addr < lo || addr >= hi)
            continue;
        name = strrchr(trim(line + pos), '/');
        name = name ? name + 1 : line + pos;
        so = strstr(name, ".so");
        if (strncmp(name, "lib", 3) == 0 && so) {
            *so = '\0';
            set_string(out, cap, name);
        }
        break;
    }
    fclose(f);
}

static const char *proc_bind_name(omp_proc_bind_t bind) {
    switch (bind) {
    case omp_proc_bind_false:
        return "false";
    case omp_proc_bind_true:
        return "true";
    case omp_proc_bind_master:
        return "primary";
    case omp_proc_bind_close:
        return "close";
    case omp_proc_bind_spread:
        return "spread";
    }
    return "unknown";
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether entry ("NAME=value") starts with one of the prefixes (a NULL-terminated list). */
static int has_prefix(const char *entry, const char *const *prefixes) {
    for (; *prefixes; prefixes++)
        if (strncmp(entry, *prefixes, strlen(*prefixes)) == 0)
            return 1;
    return 0;
}

/* The environment's variables with one of the prefixes into out, sorted (so that two runs with
 * the same settings give the same string), "NAME=value;NAME=value". */
static void collect_env(char *out, size_t cap, const char *const *prefixes) {
    struct text t;
    size_t n = 0, k = 0;
    const char **vars;
    text_init(&t, out, cap);
    for (char **e = environ; e && *e; e++)
        n += (size_t)has_prefix(*e, prefixes);
    vars = n ? malloc(n * sizeof *vars) : NULL;
    if (!vars)
        return;
    for (char **e = environ; *e && k < n; e++)
        if (has_prefix(*e, prefixes))
            vars[k++] = *e;
    qsort(vars, k, sizeof *vars, compare_strings);
    for (size_t i = 0; i < k; i++) {
        if (i)
            text_add(&t, ";");
        text_add(&t, vars[i]);
    }
    free(vars);
}

static void collect_omp_env(struct context *ctx) {
    static const char *const prefixes[] = {"OMP_", "GOMP_", NULL};
    collect_env(ctx->omp_env, sizeof ctx->omp_env, prefixes);
}

static void collect_openmp(struct context *ctx) {
#ifdef _OPENMP
    ctx->openmp_version = _OPENMP;
#endif
    collect_openmp_runtime(ctx->openmp_runtime, sizeof ctx->openmp_runtime);
    ctx->omp_max_threads = omp_get_max_threads();
    set_string(ctx->omp_proc_bind, sizeof ctx->omp_proc_bind, proc_bind_name(omp_get_proc_bind()));
    ctx->omp_num_places = omp_get_num_places();
    collect_omp_env(ctx);
}

/* Copies src without its surrounding blanks (OpenBLAS ends its config string with one). */
static void set_trimmed(char *dst, size_t cap, const char *src) {
    char tmp[1024];
    set_string(tmp, sizeof tmp, src);
    set_string(dst, cap, trim(tmp));
}

static void collect_openblas(struct context *ctx) {
    const char *config = openblas_get_config();
    set_trimmed(ctx->openblas_config, sizeof ctx->openblas_config, config ? config : "unknown");
    ctx->openblas_threads = openblas_get_num_threads();
    char flags[CPU_FLAGS_MAX];
    cpu_flags_read(NULL, flags, sizeof flags);
    cpu_vector_features(flags, ctx->cpu_vector_isa, sizeof ctx->cpu_vector_isa);
    set_string(ctx->openblas_core, sizeof ctx->openblas_core, blas_running_core());
    blas_env_source(ctx->openblas_core_source, sizeof ctx->openblas_core_source);
    const char *best = blas_core_best(flags);
    set_string(ctx->openblas_core_best, sizeof ctx->openblas_core_best, best ? best : "");
    set_string(ctx->openblas_parallel, sizeof ctx->openblas_parallel, blas_parallel_mode());
    static const char *const prefixes[] = {"OPENBLAS_", "GOTO_", BLAS_POLICY_VAR, NULL};
    collect_env(ctx->openblas_env, sizeof ctx->openblas_env, prefixes);
    blas_core_check(ctx->openblas_core, flags, ctx->openblas_advice, sizeof ctx->openblas_advice);
}

/* ---- invocation ------------------------------------------------------------------------ */

/* Characters a POSIX shell takes literally in a word; anything else gets quoted. */
static int shell_safe(const char *s) {
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        char c = *s;
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !strchr("@%+=:,./_-", c))
            return 0;
    }
    return 1;
}

/* Single quotes keep everything literal; an embedded quote becomes '\''. */
static void add_shell_word(struct text *t, const char *arg) {
    if (shell_safe(arg)) {
        text_add(t, arg);
        return;
    }
    text_add(t, "'");
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            text_add(t, "'\\''");
        else
            text_addn(t, p, 1);
    }
    text_add(t, "'");
}

static void collect_command_line(struct context *ctx, int argc, char **argv) {
    struct text t;
    text_init(&t, ctx->command_line, sizeof ctx->command_line);
    for (int i = 0; argv && i < argc && argv[i]; i++) {
        if (i)
            text_add(&t, " ");
        add_shell_word(&t, argv[i]);
    }
}

static int parse_rank(const char *s) {
    char *end;
    long v;
    if (!s || !*s)
        return -1;
    v = strtol(s, &end, 10);
    return *end == '\0' && v >= 0 && v <= 0x7fffffffL ? (int)v : -1;
}

static void collect_job(struct context *ctx) {
    static const char *const rank_vars[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                            "SLURM_PROCID"};
    set_string(ctx->slurm_job_id, sizeof ctx->slurm_job_id, getenv("SLURM_JOB_ID"));
    set_string(ctx->slurm_array_task_id, sizeof ctx->slurm_array_task_id,
               getenv("SLURM_ARRAY_TASK_ID"));
    ctx->mpi_rank = -1;
    for (size_t i = 0; i < sizeof rank_vars / sizeof rank_vars[0] && ctx->mpi_rank < 0; i++)
        ctx->mpi_rank = parse_rank(getenv(rank_vars[i]));
}

/* ---- the caches in force ------------------------------------------------------------------ */

static int by_level(const void *a, const void *b) {
    return ((const struct cache_level *)a)->level - ((const struct cache_level *)b)->level;
}

void context_override_caches(struct context *ctx, const char *spec, const struct cache_size *sizes,
                             int n) {
    memcpy(ctx->caches_detected, ctx->caches, sizeof ctx->caches);
    ctx->ncaches_detected = ctx->ncaches;
    set_string(ctx->caches_override, sizeof ctx->caches_override, spec);
    for (int i = 0; i < n; i++) {
        struct cache_level *c = NULL;
        for (int j = 0; j < ctx->ncaches && !c; j++)
            if (ctx->caches[j].level == sizes[i].level)
                c = &ctx->caches[j];
        if (!c && ctx->ncaches < CONTEXT_MAX_CACHES) {
            c = &ctx->caches[ctx->ncaches++];
            memset(c, 0, sizeof *c);
            c->level = sizes[i].level;
            set_string(c->type, sizeof c->type, "unified");
            c->line_bytes = 64;
            c->instances = ctx->packages > 0 ? ctx->packages : 1;
            c->shared_by_cpus = ctx->logical_cpus / c->instances;
        }
        if (c)
            c->size_bytes = sizes[i].size_bytes;
    }
    qsort(ctx->caches, (size_t)ctx->ncaches, sizeof ctx->caches[0], by_level);
}

/* OMPSWEEP_CACHES, when it parses (main() refuses every command when it does not). */
static void apply_cache_override(struct context *ctx) {
    const char *spec = getenv(CACHE_OVERRIDE_ENV);
    struct cache_size sizes[CONTEXT_MAX_CACHES];
    int n;
    char err[256];
    if (spec && *spec &&
        cache_override_parse(spec, sizes, CONTEXT_MAX_CACHES, &n, err, sizeof err) == 0)
        context_override_caches(ctx, spec, sizes, n);
}

int context_collect(struct context *ctx, int argc, char **argv) {
    int allowed;
    memset(ctx, 0, sizeof *ctx);
    set_string(ctx->cpu_model, sizeof ctx->cpu_model, "unknown");
    set_string(ctx->hwloc_version, sizeof ctx->hwloc_version, HWLOC_VERSION);
    ctx->latency_start_ns = ctx->latency_end_ns = NAN;
    ctx->latency_cpu_a = ctx->latency_cpu_b = -1;

    collect_date(ctx);
    run_id_make(ctx->run_id, sizeof ctx->run_id, time(NULL)); /* "" on failure: no id */
    collect_host(ctx);
    collect_hypervisor(ctx);
    collect_thp(ctx);
    collect_topology(ctx);
    topology_fallbacks(ctx);
    apply_cache_override(ctx);
    allowed = affinity_allowed_cpus(NULL, 0);
    ctx->allowed_cpus = allowed > 0 ? allowed : 0;
    collect_build(ctx);
    collect_openmp(ctx);
    collect_openblas(ctx);
    collect_command_line(ctx, argc, argv);
    collect_job(ctx);
    return 0;
}

/* ---- queries ------------------------------------------------------------------------------ */

long long context_last_level_cache_bytes(const struct context *ctx) {
    long long largest = 0;
    for (int i = 0; i < ctx->ncaches; i++)
        if (ctx->caches[i].size_bytes > largest)
            largest = ctx->caches[i].size_bytes;
    return largest;
}

long long context_anon_huge_bytes(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f)
        return -1;
    char line[256];
    long long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %lld kB", &kb) == 1)
            break;
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}
