/* sweep_plan: a sweep command's options resolved into the engine's plan (see sweep_plan.h). */
#include "app/sweep_plan.h"
#include "machine/omp_team.h"

#include "app/commands.h"
#include "format/units.h"
#include "machine/ranks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int resolve_variants(const char *command, const struct kernel *k, const char *list,
                            struct sweep_plan *plan) {
    char **names = NULL, err[UNITS_ERRLEN];
    size_t n = 0;
    if (!list) {
        plan->nvariants = kernel_variant_count(k);
        plan->variants = calloc(plan->nvariants, sizeof *plan->variants);
        for (size_t i = 0; plan->variants && i < plan->nvariants; i++)
            plan->variants[i] = &k->variants[i];
        return plan->variants ? 0 : command_usage_error(command, "out of memory");
    }
    if (units_parse_name_list(list, &names, &n, err, sizeof err))
        return command_usage_error(command, "--variant: %s", err);
    plan->variants = calloc(n, sizeof *plan->variants);
    int rc = plan->variants ? 0 : command_usage_error(command, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        rc = command_find_variant(command, k, names[i], &plan->variants[i]);
    plan->nvariants = n;
    units_free_names(names, n);
    return rc;
}

static int resolve_schedules(const char *command, const char *list, struct sweep_plan *plan) {
    char **names = NULL, err[UNITS_ERRLEN];
    size_t n = 0;
    if (units_parse_name_list(list ? list : "static", &names, &n, err, sizeof err))
        return command_usage_error(command, "--schedule: %s", err);
    plan->schedules = calloc(n, sizeof *plan->schedules);
    int rc = plan->schedules ? 0 : command_usage_error(command, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        int s = sweep_parse_schedule(names[i]);
        if (s < 0)
            rc = command_usage_error(
                command, "--schedule: '%s' is not a schedule (static, dynamic, guided)", names[i]);
        else
            plan->schedules[i] = (enum sweep_schedule)s;
    }
    plan->nschedules = n;
    units_free_names(names, n);
    return rc;
}

static int parse_one_param(const char *command, const struct kernel *k, char *item,
                           double *params) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item)
        return command_usage_error(command, "--param: '%s' is not NAME=VALUE", item);
    *eq = '\0';
    int idx = kernel_param_index(k, item);
    if (idx < 0)
        return command_usage_error(
            command, "--param: %s has no parameter '%s' ('ompsweep list %s' shows them)", k->name,
            item, k->name);
    const struct kernel_param *p = &k->params[idx];
    char err[UNITS_ERRLEN];
    if (p->kind == PARAM_INTEGER) {
        long long v;
        if (units_parse_count(eq + 1, (long long)p->min, (long long)p->max, &v, err, sizeof err))
            return command_usage_error(command, "--param %s: %s", p->name, err);
        params[idx] = (double)v;
    } else if (units_parse_real(eq + 1, p->min, p->max, &params[idx], err, sizeof err)) {
        return command_usage_error(command, "--param %s: %s", p->name, err);
    }
    return 0;
}

static int resolve_params(const char *command, const struct kernel *k, const struct run_args *a,
                          struct sweep_plan *plan) {
    kernel_default_params(k, plan->params);
    for (int i = 0; i < a->common.param.n; i++) {
        char **items = NULL, err[UNITS_ERRLEN];
        size_t n = 0;
        if (units_parse_name_list(a->common.param.item[i], &items, &n, err, sizeof err))
            return command_usage_error(command, "--param: %s", err);
        int rc = 0;
        for (size_t j = 0; !rc && j < n; j++)
            rc = parse_one_param(command, k, items[j], plan->params);
        units_free_names(items, n);
        if (rc)
            return rc;
    }
    for (size_t s = 0; s < plan->nsizes; s++) {
        for (size_t v = 0; a->variants && v < plan->nvariants; v++)
            if (plan->variants[v] == &k->variants[0] && !sweep_ref_runs(k, plan->sizes[s]))
                return command_usage_error(
                    command,
                    "--variant %s: %s's reference is not run above size %ld (too "
                    "slow; larger sizes are validated against an independent "
                    "checksum), and --size has %lld",
                    k->variants[0].name, k->name, k->ref_max_size, plan->sizes[s]);
        const char *msg = k->check ? k->check((size_t)plan->sizes[s], plan->params) : NULL;
        if (msg)
            return command_usage_error(command, "%s: %s", k->name, msg);
    }
    return 0;
}

int sweep_plan_check_memory(const char *command, const struct sweep_plan *plan,
                            long long memory_bytes) {
    long long most = 1;
    for (size_t t = 0; plan->weak && t < plan->nthreads; t++)
        most = plan->threads[t] > most ? plan->threads[t] : most;
    for (size_t s = 0; memory_bytes > 0 && s < plan->nsizes; s++) {
        struct kernel_work w;
        plan->kernel->work((size_t)(plan->sizes[s] * most), plan->params, &w);
        if (w.working_set > 0.8 * (double)memory_bytes)
            return command_usage_error(
                command,
                "--size %lld: the working set (%.3g GiB) exceeds 80%% of this "
                "machine's memory (%.3g GiB)",
                plan->sizes[s], w.working_set / 1073741824.0, (double)memory_bytes / 1073741824.0);
    }
    return 0;
}

int sweep_plan_build(const char *command, const struct kernel *k, const struct run_args *a,
                     int cpus, struct sweep_plan *plan) {
    char err[UNITS_ERRLEN];
    plan->kernel = k;
    plan->samples = a->common.samples;
    plan->min_time = a->common.min_time;
    plan->precision = a->precision;
    plan->max_time = a->max_time;
    /* A disturbed round is measured again `samples` times in any case, and beyond that while
     * the repeats have taken less than max_time: a window of disturbed rounds (a vCPU taken
     * away for seconds, the development VM's usual disturbance) can last many short rounds. */
    plan->max_repeats = a->common.samples;
    plan->seed = (unsigned long long)a->common.seed;
    plan->cpus = cpus;
    plan->progress = a->common.quiet ? NULL : stderr;
    int rc = resolve_variants(command, k, a->variants, plan);
    if (!rc && a->common.threads &&
        units_parse_count_list(a->common.threads, 1, OMP_TEAM_MAX, &plan->threads, &plan->nthreads,
                               err, sizeof err))
        rc = command_usage_error(command, "--threads: %s", err);
    if (!rc && !a->common.threads && sweep_default_threads(cpus, &plan->threads, &plan->nthreads))
        rc = command_usage_error(command, "out of memory");
    if (!rc)
        rc = resolve_schedules(command, a->common.schedule, plan);
    if (!rc && a->common.chunk &&
        units_parse_chunk_list(a->common.chunk, &plan->chunks, &plan->nchunks, err, sizeof err))
        rc = command_usage_error(command, "--chunk: %s", err);
    if (!rc && a->common.size &&
        units_parse_count_list(a->common.size, k->min_size, k->max_size, &plan->sizes,
                               &plan->nsizes, err, sizeof err))
        rc = command_usage_error(command, "--size: %s", err);
    if (!rc && !a->common.size) {
        plan->sizes = calloc(1, sizeof *plan->sizes);
        plan->nsizes = 1;
        rc = plan->sizes ? 0 : command_usage_error(command, "out of memory");
        if (!rc)
            plan->sizes[0] = k->default_size;
    }
    return rc ? rc : resolve_params(command, k, a, plan);
}

static int same_schedule(const void *a, const void *b) {
    return *(const enum sweep_schedule *)a == *(const enum sweep_schedule *)b;
}

static int same_chunk(const void *a, const void *b) {
    const struct chunk_spec *x = a, *y = b;
    return x->kind == y->kind && x->value == y->value;
}

void sweep_plan_drop_repeats(const char *command, struct sweep_plan *plan) {
    command_drop_repeats(command, "--variant", plan->variants, sizeof *plan->variants,
                         &plan->nvariants, command_same_pointer);
    command_drop_repeats(command, "--threads", plan->threads, sizeof *plan->threads,
                         &plan->nthreads, command_same_count);
    command_drop_repeats(command, "--schedule", plan->schedules, sizeof *plan->schedules,
                         &plan->nschedules, same_schedule);
    command_drop_repeats(command, "--chunk", plan->chunks, sizeof *plan->chunks, &plan->nchunks,
                         same_chunk);
    command_drop_repeats(command, "--size", plan->sizes, sizeof *plan->sizes, &plan->nsizes,
                         command_same_count);
}

void sweep_plan_free(struct sweep_plan *plan) {
    free(plan->variants);
    free(plan->threads);
    free(plan->schedules);
    free(plan->chunks);
    free(plan->sizes);
}

int sweep_plan_check_ranks(const char *command, const struct kernel *k,
                           const struct sweep_plan *plan) {
    int ranks = ranks_count();
    if (ranks == 1)
        return 0;
    if (!k->setup_part && !plan->weak)
        return command_usage_error(command,
                                   "%s cannot be split across ranks: use --weak (each of the %d "
                                   "ranks then runs the whole problem)",
                                   k->name, ranks);
    for (size_t s = 0; k->setup_part && s < plan->nsizes; s++) {
        struct kernel_work w;
        k->work((size_t)(plan->sizes[s] * (plan->weak ? ranks : 1)), plan->params, &w);
        if (w.iterations < (size_t)ranks)
            return command_usage_error(command,
                                       "--size %lld: too small to split across %d ranks (it "
                                       "makes %zu %ss; at least one per rank)",
                                       plan->sizes[s], ranks, w.iterations, k->iteration);
    }
    return 0;
}
