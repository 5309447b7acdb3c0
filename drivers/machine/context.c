/* context: machine, build and environment description of a run (see context.h). */
#include "machine/context.h"
#include "machine/rank_places.h"
#include "machine/ranks.h"

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

#include "format/units.h"
#include "machine/cache_override.h"
#include "machine/latency.h"

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

static int has_word(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
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
            *in_vm = has_word(trim(colon + 1), "hypervisor");
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

static int is_openmp_variable(const char *entry) {
    return strncmp(entry, "OMP_", 4) == 0 || strncmp(entry, "GOMP_", 5) == 0;
}

/* Sorted, so that two runs with the same settings give the same string. */
static void collect_omp_env(struct context *ctx) {
    struct text t;
    size_t n = 0, k = 0;
    const char **vars;
    text_init(&t, ctx->omp_env, sizeof ctx->omp_env);
    for (char **e = environ; e && *e; e++)
        n += (size_t)is_openmp_variable(*e);
    vars = n ? malloc(n * sizeof *vars) : NULL;
    if (!vars)
        return;
    for (char **e = environ; *e && k < n; e++)
        if (is_openmp_variable(*e))
            vars[k++] = *e;
    qsort(vars, k, sizeof *vars, compare_strings);
    for (size_t i = 0; i < k; i++) {
        if (i)
            text_add(&t, ";");
        text_add(&t, vars[i]);
    }
    free(vars);
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

/* ---- public ---------------------------------------------------------------------------- */

static void apply_cache_override(struct context *ctx) {
    const char *spec = getenv(CACHE_OVERRIDE_ENV);
    struct cache_size sizes[CONTEXT_MAX_CACHES];
    int n;
    char err[256];
    if (spec && *spec &&
        cache_override_parse(spec, sizes, CONTEXT_MAX_CACHES, &n, err, sizeof err) == 0)
        cache_override_apply(ctx, spec, sizes, n);
}

int context_collect(struct context *ctx, int argc, char **argv) {
    int allowed;
    memset(ctx, 0, sizeof *ctx);
    set_string(ctx->cpu_model, sizeof ctx->cpu_model, "unknown");
    set_string(ctx->hwloc_version, sizeof ctx->hwloc_version, HWLOC_VERSION);
    ctx->latency_start_ns = ctx->latency_end_ns = NAN;
    ctx->latency_cpu_a = ctx->latency_cpu_b = -1;

    collect_date(ctx);
    collect_host(ctx);
    collect_hypervisor(ctx);
    collect_thp(ctx);
    collect_topology(ctx);
    topology_fallbacks(ctx);
    apply_cache_override(ctx);
    allowed = latency_allowed_cpus(NULL, 0);
    ctx->allowed_cpus = allowed > 0 ? allowed : 0;
    collect_build(ctx);
    collect_openmp(ctx);
    collect_openblas(ctx);
    collect_command_line(ctx, argc, argv);
    collect_job(ctx);
    return 0;
}

int context_placement_changed(const struct context *ctx) {
    double a = ctx->latency_start_ns, b = ctx->latency_end_ns;
    return isfinite(a) && isfinite(b) && (a > 1.5 * b || b > 1.5 * a);
}

void context_warn_placement(FILE *f, const char *command, const struct context *ctx) {
    if (context_placement_changed(ctx))
        fprintf(f,
                "ompsweep %s: warning: core-to-core latency changed during the run (%.0f ns -> "
                "%.0f ns): the host moved the CPUs; multi-thread figures may mix two "
                "placements\n",
                command, ctx->latency_start_ns, ctx->latency_end_ns);
}

long long context_last_level_cache_bytes(const struct context *ctx) {
    long long largest = 0;
    for (int i = 0; i < ctx->ncaches; i++)
        if (ctx->caches[i].size_bytes > largest)
            largest = ctx->caches[i].size_bytes;
    return largest;
}

/* Absent values are null rather than "" or -1, so readers need no sentinels. */
static void write_optional_string(struct json_writer *w, const char *key, const char *value) {
    json_string(w, key, value[0] ? value : NULL);
}

static void write_optional_int(struct json_writer *w, const char *key, int value) {
    if (value >= 0)
        json_integer(w, key, value);
    else
        json_null(w, key);
}

static void write_caches_json(struct json_writer *w, const char *key,
                              const struct cache_level *caches, int n) {
    json_array_begin(w, key);
    for (int i = 0; i < n; i++) {
        const struct cache_level *c = &caches[i];
        json_object_begin(w, NULL);
        json_integer(w, "level", c->level);
        json_string(w, "type", c->type);
        json_integer(w, "size_bytes", c->size_bytes);
        json_integer(w, "line_bytes", c->line_bytes);
        json_integer(w, "shared_by_cpus", c->shared_by_cpus);
        json_integer(w, "instances", c->instances);
        json_object_end(w);
    }
    json_array_end(w);
}

void context_write_json(struct json_writer *w, const struct context *ctx) {
    json_object_begin(w, "context");
    json_string(w, "date", ctx->date);
    json_string(w, "host", ctx->host);
    json_string(w, "cpu_model", ctx->cpu_model);
    json_integer(w, "logical_cpus", ctx->logical_cpus);
    json_integer(w, "cores", ctx->cores);
    json_integer(w, "packages", ctx->packages);
    json_integer(w, "numa_nodes", ctx->numa_nodes);
    json_integer(w, "allowed_cpus", ctx->allowed_cpus);
    write_caches_json(w, "caches", ctx->caches, ctx->ncaches);
    if (ctx->caches_override[0]) {
        json_string(w, "caches_override", ctx->caches_override);
        write_caches_json(w, "caches_detected", ctx->caches_detected, ctx->ncaches_detected);
    }
    json_integer(w, "memory_bytes", ctx->memory_bytes);
    write_optional_string(w, "hypervisor", ctx->hypervisor);
    json_string(w, "thp", ctx->thp);
    json_string(w, "compiler", ctx->compiler);
    json_string(w, "cflags", ctx->cflags);
    json_string(w, "git_revision", ctx->git_revision);
    json_string(w, "version", ctx->version);
    json_integer(w, "openmp_version", ctx->openmp_version);
    json_string(w, "openmp_runtime", ctx->openmp_runtime);
    json_integer(w, "omp_max_threads", ctx->omp_max_threads);
    json_string(w, "omp_proc_bind", ctx->omp_proc_bind);
    json_integer(w, "omp_num_places", ctx->omp_num_places);
    json_string(w, "omp_env", ctx->omp_env);
    json_string(w, "openblas_config", ctx->openblas_config);
    json_integer(w, "openblas_threads", ctx->openblas_threads);
    json_string(w, "hwloc_version", ctx->hwloc_version);
    json_string(w, "command_line", ctx->command_line);
    write_optional_string(w, "slurm_job_id", ctx->slurm_job_id);
    write_optional_string(w, "slurm_array_task_id", ctx->slurm_array_task_id);
    write_optional_int(w, "mpi_rank", ctx->mpi_rank);
    json_string(w, "mpi_library", ranks_library());
    json_integer(w, "mpi_ranks", ctx->places ? ctx->places->count : 1);
    if (ctx->places)
        rank_places_write_json(w, ctx->places);
    json_number(w, "latency_start_ns", ctx->latency_start_ns);
    json_number(w, "latency_end_ns", ctx->latency_end_ns);
    write_optional_int(w, "latency_cpu_a", ctx->latency_cpu_a);
    write_optional_int(w, "latency_cpu_b", ctx->latency_cpu_b);
    json_object_end(w);
}

static void cache_scope(const struct context *ctx, const struct cache_level *c, char *buf,
                        size_t cap) {
    int per_core = ctx->cores > 0 ? ctx->logical_cpus / ctx->cores : 0;
    int per_package = ctx->packages > 0 ? ctx->logical_cpus / ctx->packages : 0;
    if (c->shared_by_cpus > 0 && c->shared_by_cpus == per_core)
        snprintf(buf, cap, "per core");
    else if (c->shared_by_cpus > 0 && c->shared_by_cpus == per_package)
        snprintf(buf, cap, "per package");
    else if (c->shared_by_cpus == 1)
        snprintf(buf, cap, "per CPU");
    else
        snprintf(buf, cap, "shared by %d CPUs", c->shared_by_cpus);
}

#define PRINT_KEY_WIDTH 23

static void print_line(FILE *f, const char *key, const char *value) {
    fprintf(f, "%s:%*s%s\n", key, (int)(PRINT_KEY_WIDTH - strlen(key)), "", value);
}

static void print_int(FILE *f, const char *key, long long value) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", value);
    print_line(f, key, buf);
}

static void print_caches(FILE *f, const struct context *ctx) {
    for (int i = 0; i < ctx->ncaches; i++) {
        const struct cache_level *c = &ctx->caches[i];
        char key[32], size[32], scope[48], value[128];
        snprintf(key, sizeof key, "L%d %s", c->level, c->type);
        cli_format_bytes((double)c->size_bytes, size, sizeof size);
        cache_scope(ctx, c, scope, sizeof scope);
        snprintf(value, sizeof value, "%s x %d (%s)", size, c->instances, scope);
        print_line(f, key, value);
    }
}

/* `ompsweep info` measures once; a run measures at both ends so placement drift shows. */
static void print_latency(FILE *f, const struct context *ctx) {
    char value[160];
    int n;
    if (isnan(ctx->latency_start_ns) && isnan(ctx->latency_end_ns))
        return;
    n = snprintf(value, sizeof value, "CPU %d <-> %d:", ctx->latency_cpu_a, ctx->latency_cpu_b);
    if (!isnan(ctx->latency_start_ns))
        n += snprintf(value + n, sizeof value - (size_t)n, " %.1f ns", ctx->latency_start_ns);
    if (!isnan(ctx->latency_end_ns))
        snprintf(value + n, sizeof value - (size_t)n, " %s%.1f ns at the end",
                 isnan(ctx->latency_start_ns) ? "" : "at the start, ", ctx->latency_end_ns);
    print_line(f, "core-to-core latency", value);
}

static void print_machine(FILE *f, const struct context *ctx) {
    char buf[64];
    print_line(f, "date", ctx->date);
    print_line(f, "host", ctx->host);
    print_line(f, "cpu model", ctx->cpu_model);
    print_int(f, "logical cpus", ctx->logical_cpus);
    print_int(f, "cores", ctx->cores);
    print_int(f, "packages", ctx->packages);
    print_int(f, "numa nodes", ctx->numa_nodes);
    print_int(f, "allowed cpus", ctx->allowed_cpus);
    print_caches(f, ctx);
    if (ctx->caches_override[0])
        print_line(f, "caches",
                   "sizes from " CACHE_OVERRIDE_ENV " (hwloc's are in the JSON "
                   "context as caches_detected)");
    cli_format_bytes((double)ctx->memory_bytes, buf, sizeof buf);
    print_line(f, "memory", buf);
    print_line(f, "hypervisor", ctx->hypervisor[0] ? ctx->hypervisor : "none");
    print_line(f, "transparent hugepages", ctx->thp);
    print_latency(f, ctx);
}

static void print_software(FILE *f, const struct context *ctx) {
    char buf[96];
    print_line(f, "ompsweep", ctx->version);
    print_line(f, "git revision", ctx->git_revision);
    print_line(f, "compiler", ctx->compiler);
    print_line(f, "cflags", ctx->cflags);
    snprintf(buf, sizeof buf, "%d (%s)", ctx->openmp_version, ctx->openmp_runtime);
    print_line(f, "openmp", buf);
    print_int(f, "omp max threads", ctx->omp_max_threads);
    print_line(f, "omp proc bind", ctx->omp_proc_bind);
    print_int(f, "omp places", ctx->omp_num_places);
    print_line(f, "omp environment", ctx->omp_env[0] ? ctx->omp_env : "(none)");
    print_line(f, "openblas", ctx->openblas_config);
    print_int(f, "openblas threads", ctx->openblas_threads);
    print_line(f, "hwloc", ctx->hwloc_version);
}

static void print_job(FILE *f, const struct context *ctx) {
    print_line(f, "command line", ctx->command_line);
    if (ctx->slurm_job_id[0])
        print_line(f, "slurm job", ctx->slurm_job_id);
    if (ctx->slurm_array_task_id[0])
        print_line(f, "slurm array task", ctx->slurm_array_task_id);
    if (ctx->mpi_rank >= 0)
        print_int(f, "mpi rank", ctx->mpi_rank);
    print_line(f, "mpi library", ranks_library());
}

void context_print(FILE *f, const struct context *ctx) {
    print_machine(f, ctx);
    print_software(f, ctx);
    print_job(f, ctx);
}

int context_thread_cpus(int n, int *cpus) {
    if (n < 1 || !cpus)
        return -1;
    for (int i = 0; i < n; i++)
        cpus[i] = -1;
#pragma omp parallel num_threads(n)
    {
        int t = omp_get_thread_num();
        if (t < n)
            cpus[t] = sched_getcpu();
    }
    return 0;
}

int context_default_pinning(void) {
    static const char *const user_choices[] = {"OMP_PROC_BIND", "OMP_PLACES", "GOMP_CPU_AFFINITY",
                                               "KMP_AFFINITY"};
    for (size_t i = 0; i < sizeof user_choices / sizeof user_choices[0]; i++)
        if (getenv(user_choices[i]))
            return 0;
    if (setenv("OMP_PROC_BIND", "close", 1) != 0 || setenv("OMP_PLACES", "cores", 1) != 0)
        return -1;
    return 1;
}

int context_pinning_active(void) {
    return omp_get_proc_bind() != omp_proc_bind_false;
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

void context_measure_latency(struct context *ctx, int at_end) {
    if (!at_end && latency_pick_cpus(&ctx->latency_cpu_a, &ctx->latency_cpu_b) != 0)
        return;
    if (ctx->latency_cpu_a < 0)
        return;
    double ns = latency_core_to_core_ns(ctx->latency_cpu_a, ctx->latency_cpu_b);
    if (at_end)
        ctx->latency_end_ns = ns;
    else
        ctx->latency_start_ns = ns;
}
