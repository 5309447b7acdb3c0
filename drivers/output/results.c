#include "output/results.h"

#include "format/csv_writer.h"
#include "format/json.h"
#include "format/schema.h"
#include "machine/context_write.h"
#include "output/ceilings_file.h"

#include <math.h>
#include <string.h>

/* What kind of sweep the points are: plan->study, or "run" when it is NULL. */
static const char *results_study(const struct sweep_plan *plan) {
    return plan->study ? plan->study : "run";
}

/* The chunk as asked ("125K", "1000", "all"); "" for OpenMP's default. */
static const char *chunk_label(const struct sweep_plan *plan, const struct sweep_point *p,
                               char *buf, size_t len) {
    if (p->chunk_index < 0 || !plan->chunks)
        return "";
    return units_format_chunk(&plan->chunks[p->chunk_index], buf, len);
}

void results_format_params(const struct sweep_plan *plan, char *buf, size_t len) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; plan->kernel->params[i].name && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%.15g", i ? ";" : "",
                                 plan->kernel->params[i].name, plan->params[i]);
}

void results_roofline(const struct sweep_plan *plan, const struct sweep_point *p, double frac[3]) {
    const struct ceilings *c = plan->ceilings;
    frac[0] = c ? p->gflops / c->peak_gflops.best : NAN;
    frac[1] = c ? p->gbytes_per_s / c->triad_gbytes_per_s.best : NAN;
    frac[2] = c ? p->gbytes_per_s / c->read_gbytes_per_s.best : NAN;
}

/* One point as a row, in the order of schema_sweep_columns. */
static void csv_point(FILE *f, const struct sweep_plan *plan, const struct sweep_point *p,
                      const char *params, const char *run_id) {
    struct csv_row r;
    char chunk[64];
    double frac[3];
    results_roofline(plan, p, frac);
    csv_row_begin(&r, f);
    csv_put_text(&r, plan->kernel->name);
    csv_put_text(&r, p->variant->name);
    csv_put_integer(&r, p->threads);
    csv_put_text(&r, sweep_schedule_name(p->schedule));
    csv_put_count(&r, p->chunk_iterations > 0 ? p->chunk_items : -1);
    csv_put_number(&r, p->chunk_iterations > 0 ? p->chunk_bytes : NAN, "%.0f");
    csv_put_integer(&r, p->size);
    csv_put_number(&r, p->work.working_set, "%.0f");
    csv_put_integer(&r, (long long)p->st.n);
    const double times[] = {p->st.median, p->st.min, p->st.max, p->st.mean, p->st.sd, p->st.cv};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        csv_put_number(&r, times[i], "%.9g");
    csv_put_number(&r, p->items_per_s, "%.6g");
    csv_put_number(&r, p->gbytes_per_s, "%.6g");
    csv_put_number(&r, p->gflops, "%.6g");
    csv_put_number(&r, p->speedup, "%.4f");
    csv_put_number(&r, p->efficiency, "%.4f");
    csv_put_number(&r, p->checksum, "%.17g");
    csv_put_yes_no(&r, p->validated);
    csv_put_yes_no(&r, p->oversubscribed);
    csv_put_number(&r, p->ratio_ref, "%.4f");
    csv_put_integer(&r, p->reps);
    csv_put_integer(&r, p->st.outliers);
    csv_put_text(&r, params);
    csv_put_number(&r, p->rel_error, "%.3e");
    csv_put_number(&r, p->work.bytes > 0 ? p->work.flops / p->work.bytes : NAN, "%.4g");
    csv_put_integer(&r, p->total_threads);
    for (int i = 0; i < 3; i++)
        csv_put_number(&r, frac[i], "%.4f");
    csv_put_text(&r, chunk_label(plan, p, chunk, sizeof chunk));
    csv_put_text(&r, results_study(plan));
    csv_put_integer(&r, p->ranks);
    csv_put_integer(&r, p->threads);
    csv_put_number(&r, p->st.ci_low, "%.9g");
    csv_put_number(&r, p->st.ci_high, "%.9g");
    csv_put_number(&r, p->speedup_low, "%.4f");
    csv_put_number(&r, p->speedup_high, "%.4f");
    csv_put_number(&r, p->ratio_ref_low, "%.4f");
    csv_put_number(&r, p->ratio_ref_high, "%.4f");
    csv_put_yes_no(&r, p->unstable);
    csv_put_number(&r, p->ratio_best, "%.4f");
    csv_put_number(&r, p->ratio_best_low, "%.4f");
    csv_put_number(&r, p->ratio_best_high, "%.4f");
    csv_put_text(&r, run_id);
    csv_row_end(&r);
}

void results_write_csv(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                       const char *run_id) {
    char params[512];
    results_format_params(plan, params, sizeof params);
    csv_put_header(f, schema_sweep_columns, COL_SWEEP_COLUMNS);
    for (size_t i = 0; i < res->npoints; i++)
        csv_point(f, plan, &res->points[i], params, run_id);
}

static void json_point(struct json_writer *w, const struct sweep_plan *plan,
                       const struct sweep_point *p) {
    json_object_begin(w, NULL);
    json_string(w, "kernel", plan->kernel->name);
    json_string(w, "variant", p->variant->name);
    json_integer(w, "threads", p->threads);
    json_string(w, "schedule", sweep_schedule_name(p->schedule));
    if (p->chunk_iterations > 0) {
        json_integer(w, "chunk_items", p->chunk_items);
        json_number(w, "chunk_bytes", p->chunk_bytes);
    } else {
        json_null(w, "chunk_items");
        json_null(w, "chunk_bytes");
    }
    char chunk[64];
    json_string(w, "chunk", chunk_label(plan, p, chunk, sizeof chunk));
    json_integer(w, "size", p->size);
    json_number(w, "working_set_bytes", p->work.working_set);
    json_integer(w, "samples", (long long)p->st.n);
    json_integer(w, "reps", p->reps);
    json_number(w, "median_s", p->st.median);
    json_number(w, "ci_low_s", p->st.ci_low);
    json_number(w, "ci_high_s", p->st.ci_high);
    json_bool(w, "unstable", p->unstable);
    json_number(w, "min_s", p->st.min);
    json_number(w, "max_s", p->st.max);
    json_number(w, "mean_s", p->st.mean);
    json_number(w, "sd_s", p->st.sd);
    json_number(w, "cv", p->st.cv);
    json_integer(w, "outliers", p->st.outliers);
    json_bool(w, "noisy", isfinite(p->st.cv) && p->st.cv > STATS_NOISY_CV);
    json_number(w, "items_per_s", p->items_per_s);
    json_number(w, "gbytes_per_s", p->gbytes_per_s);
    json_number(w, "gflops", p->gflops);
    json_number(w, "speedup", p->speedup);
    json_number(w, "speedup_low", p->speedup_low);
    json_number(w, "speedup_high", p->speedup_high);
    json_number(w, "efficiency", p->efficiency);
    json_number(w, "efficiency_low", p->efficiency_low);
    json_number(w, "efficiency_high", p->efficiency_high);
    json_number(w, "ratio_ref", p->ratio_ref);
    json_number(w, "ratio_ref_low", p->ratio_ref_low);
    json_number(w, "ratio_ref_high", p->ratio_ref_high);
    json_number(w, "ratio_best", p->ratio_best);
    json_number(w, "ratio_best_low", p->ratio_best_low);
    json_number(w, "ratio_best_high", p->ratio_best_high);
    json_bool(w, "paired", p->paired);
    json_number(w, "checksum", p->checksum);
    json_number(w, "ref_checksum", p->ref_checksum);
    json_number(w, "rel_error", p->rel_error);
    json_number(w, "flops_per_byte", p->work.bytes > 0 ? p->work.flops / p->work.bytes : NAN);
    json_integer(w, "total_threads", p->total_threads);
    json_integer(w, "ranks", p->ranks);
    json_integer(w, "threads_per_rank", p->threads);
    double frac[3];
    results_roofline(plan, p, frac);
    json_number(w, "frac_peak_flops", frac[0]);
    json_number(w, "frac_triad_bw", frac[1]);
    json_number(w, "frac_read_bw", frac[2]);
    json_bool(w, "validated", p->validated);
    json_bool(w, "oversubscribed", p->oversubscribed);
    if (p->huge_page_bytes >= 0)
        json_integer(w, "huge_page_bytes", p->huge_page_bytes);
    else
        json_null(w, "huge_page_bytes");
    /* Every sample, kept or not (the round says: measurement.rounds[r].kept). */
    json_array_begin(w, "times_s");
    for (size_t s = 0; s < p->ntimes; s++)
        json_number(w, NULL, p->times[s]);
    json_array_end(w);
    json_array_begin(w, "sample_rounds");
    for (size_t s = 0; s < p->ntimes; s++)
        json_integer(w, NULL, p->rounds[s]);
    json_array_end(w);
    json_array_begin(w, "sample_starts_s");
    for (size_t s = 0; s < p->ntimes; s++)
        json_number(w, NULL, p->starts[s]);
    json_array_end(w);
    json_array_begin(w, "thread_cpus");
    for (int t = 0; t < p->threads; t++)
        json_integer(w, NULL, p->cpus[t]);
    json_array_end(w);
    json_object_end(w);
}

static void json_kernel(struct json_writer *w, const struct sweep_plan *plan) {
    const struct kernel *k = plan->kernel;
    json_object_begin(w, "kernel");
    json_string(w, "name", k->name);
    json_string(w, "item", k->item);
    json_string(w, "iteration", k->iteration);
    json_string(w, "size_name", k->size_name);
    json_number(w, "tolerance", k->tolerance);
    json_object_begin(w, "params");
    for (size_t i = 0; k->params[i].name; i++)
        if (k->params[i].kind == PARAM_INTEGER)
            json_integer(w, k->params[i].name, (long long)plan->params[i]);
        else
            json_number(w, k->params[i].name, plan->params[i]);
    json_object_end(w);
    json_integer(w, "seed", (long long)plan->seed);
    json_number(w, "min_time_s", plan->min_time);
    json_object_end(w);
}

/* How the points were measured: the rounds, their orders and their disturbance evidence. */
static void json_measurement(struct json_writer *w, const struct sweep_plan *plan,
                             const struct sweep_result *res) {
    json_object_begin(w, "measurement");
    json_string(w, "method", "interleaved rounds");
    json_integer(w, "min_rounds", plan->samples);
    json_number(w, "precision", plan->precision);
    json_number(w, "max_time_s", plan->max_time);
    json_integer(w, "max_repeats", plan->max_repeats);
    json_number(w, "memory_budget_bytes", plan->memory_budget > 0 ? plan->memory_budget : NAN);
    json_integer(w, "order_seed", (long long)plan->seed);
    json_integer(w, "batches", res->batches);
    json_integer(w, "rounds_measured", (long long)res->nrounds);
    json_integer(w, "rounds_repeated", (long long)res->repeated);
    json_number(w, "precision_seconds", res->extra_seconds);
    json_array_begin(w, "rounds");
    for (size_t r = 0; r < res->nrounds; r++) {
        const struct sweep_round *rd = &res->rounds[r];
        json_object_begin(w, NULL);
        json_integer(w, "round", (long long)r);
        json_integer(w, "batch", rd->batch);
        json_bool(w, "kept", rd->kept);
        json_number(w, "start_s", rd->start);
        json_number(w, "seconds", rd->evidence.seconds);
        json_number(w, "steal", rd->evidence.steal);
        json_number(w, "others", rd->evidence.others);
        json_number(w, "latency_ns", rd->evidence.latency_ns);
        json_number(w, "runnable_others", rd->evidence.runnable);
        json_number(w, "cpu_balance", rd->evidence.balance);
        json_number(w, "cpu_turns_per_s", rd->evidence.cpu_rate);
        json_string(w, "disturbed", rd->evidence.disturbed ? rd->evidence.why : NULL);
        json_array_begin(w, "order");
        for (size_t k = 0; k < rd->npoints; k++)
            json_integer(w, NULL, rd->order[k]);
        json_array_end(w);
        json_object_end(w);
    }
    json_array_end(w);
    json_object_end(w);
}

void results_write_json(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                        const struct context *ctx,
                        void (*extra)(struct json_writer *w, const void *arg),
                        const void *extra_arg) {
    struct json_writer w;
    json_document_begin(&w, f, SCHEMA_RUN);
    json_string(&w, "study", results_study(plan));
    context_write_json(&w, ctx);
    if (plan->ceilings)
        ceilings_file_write_object(&w, plan->ceilings);
    json_kernel(&w, plan);
    json_array_begin(&w, "points");
    for (size_t i = 0; i < res->npoints; i++)
        json_point(&w, plan, &res->points[i]);
    json_array_end(&w);
    json_measurement(&w, plan, res);
    if (extra)
        extra(&w, extra_arg);
    json_object_end(&w);
}
