/* context_write: the context as JSON and as text (see context_write.h). */
#include "machine/context_write.h"

#include "format/units.h"
#include "machine/rank_places.h"
#include "machine/ranks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- JSON ------------------------------------------------------------------------------- */

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

/* "ranks": [{"rank": 0, "host": "...", "cpus": "0-1", "ncpus": 2, "threads": [{"cpu": 0,
 * "core": 0}, ...]}, ...] and "ranks_share_cpus". */
static void write_places(struct json_writer *w, const struct rank_places *p) {
    json_array_begin(w, "ranks");
    for (int r = 0; p->place && r < p->count; r++) {
        json_object_begin(w, NULL);
        json_integer(w, "rank", r);
        json_string(w, "host", p->place[r].host);
        json_string(w, "cpus", p->place[r].cpus);
        json_integer(w, "ncpus", p->place[r].ncpus);
        json_array_begin(w, "threads");
        for (const char *s = p->place[r].thread_cpus; *s;) {
            int cpu, core, used;
            if (sscanf(s, "%d/%d%n", &cpu, &core, &used) != 2)
                break;
            json_object_begin(w, NULL);
            json_integer(w, "cpu", cpu);
            json_integer(w, "core", core);
            json_object_end(w);
            s += used + (s[used] == ',');
        }
        json_array_end(w);
        json_object_end(w);
    }
    json_array_end(w);
    json_bool(w, "ranks_share_cpus", p->overlapping);
}

void context_write_json(struct json_writer *w, const struct context *ctx) {
    json_object_begin(w, "context");
    json_string(w, "date", ctx->date);
    write_optional_string(w, "run_id", ctx->run_id);
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
    json_string(w, "openblas_core", ctx->openblas_core);
    json_string(w, "openblas_core_source", ctx->openblas_core_source);
    json_string(w, "openblas_core_best", ctx->openblas_core_best);
    json_string(w, "openblas_parallel", ctx->openblas_parallel);
    json_string(w, "openblas_advice", ctx->openblas_advice);
    json_string(w, "cpu_vector_isa", ctx->cpu_vector_isa);
    json_string(w, "openblas_env", ctx->openblas_env);
    json_string(w, "hwloc_version", ctx->hwloc_version);
    json_string(w, "command_line", ctx->command_line);
    write_optional_string(w, "slurm_job_id", ctx->slurm_job_id);
    write_optional_string(w, "slurm_array_task_id", ctx->slurm_array_task_id);
    write_optional_int(w, "mpi_rank", ctx->mpi_rank);
    json_string(w, "mpi_library", ranks_library());
    json_integer(w, "mpi_ranks", ctx->places ? ctx->places->count : 1);
    if (ctx->places)
        write_places(w, ctx->places);
    json_number(w, "latency_start_ns", ctx->latency_start_ns);
    json_number(w, "latency_end_ns", ctx->latency_end_ns);
    write_optional_int(w, "latency_cpu_a", ctx->latency_cpu_a);
    write_optional_int(w, "latency_cpu_b", ctx->latency_cpu_b);
    json_object_end(w);
}

/* ---- text ------------------------------------------------------------------------------- */

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
        units_format_bytes((double)c->size_bytes, size, sizeof size);
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
    units_format_bytes((double)ctx->memory_bytes, buf, sizeof buf);
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
    print_line(f, "openblas core", ctx->openblas_core);
    print_line(f, "  chosen by", ctx->openblas_core_source);
    print_line(f, "  parallel", ctx->openblas_parallel);
    print_line(f, "  environment", ctx->openblas_env[0] ? ctx->openblas_env : "(none)");
    print_line(f, "cpu vector isa", ctx->cpu_vector_isa[0] ? ctx->cpu_vector_isa : "unknown");
    if (ctx->openblas_advice[0])
        print_line(f, "  warning", ctx->openblas_advice);
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
