#include "output/results.h"

#include "format/json.h"
#include "format/schema.h"
#include "machine/context_write.h"
#include "output/ceilings_file.h"

#include <math.h>
#include <string.h>

static const char *const csv_columns =
    "kernel,variant,threads,schedule,chunk_items,chunk_bytes,size,working_set_bytes,samples,"
    "median_s,min_s,max_s,mean_s,sd_s,cv,items_per_s,gbytes_per_s,gflops,speedup,efficiency,"
    "checksum,validated,oversubscribed,ratio_ref,reps,outliers,params,rel_error,flops_per_byte,"
    "total_threads,frac_peak_flops,frac_triad_bw,frac_read_bw,chunk,study,ranks,threads_per_rank";

const char *results_study(const struct sweep_plan *plan) {
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

/* A number, or nothing for NaN (an empty CSV field). */
static void csv_number(FILE *f, double v, const char *fmt) {
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, fmt, v);
}

static void csv_row(FILE *f, const struct sweep_plan *plan, const struct sweep_point *p,
                    const char *params) {
    fprintf(f, "%s,%s,%d,%s", plan->kernel->name, p->variant->name, p->threads,
            sweep_schedule_name(p->schedule));
    if (p->chunk_iterations > 0)
        fprintf(f, ",%lld,%.0f", p->chunk_items, p->chunk_bytes);
    else
        fputs(",,", f);
    fprintf(f, ",%lld,%.0f,%zu", p->size, p->work.working_set, p->st.n);
    const double v[] = {p->st.median, p->st.min, p->st.max, p->st.mean, p->st.sd, p->st.cv};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        csv_number(f, v[i], "%.9g");
    csv_number(f, p->items_per_s, "%.6g");
    csv_number(f, p->gbytes_per_s, "%.6g");
    csv_number(f, p->gflops, "%.6g");
    csv_number(f, p->speedup, "%.4f");
    csv_number(f, p->efficiency, "%.4f");
    csv_number(f, p->checksum, "%.17g");
    fprintf(f, ",%s,%s", p->validated ? "yes" : "no", p->oversubscribed ? "yes" : "no");
    csv_number(f, p->ratio_ref, "%.4f");
    fprintf(f, ",%ld,%d,%s", p->reps, p->st.outliers, params);
    csv_number(f, p->rel_error, "%.3e");
    csv_number(f, p->work.bytes > 0 ? p->work.flops / p->work.bytes : NAN, "%.4g");
    fprintf(f, ",%lld", p->total_threads);
    double frac[3];
    results_roofline(plan, p, frac);
    for (int i = 0; i < 3; i++)
        csv_number(f, frac[i], "%.4f");
    char chunk[64];
    fprintf(f, ",%s,%s,%d,%d\n", chunk_label(plan, p, chunk, sizeof chunk), results_study(plan),
            p->ranks, p->threads);
}

void results_write_csv(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res) {
    char params[512];
    results_format_params(plan, params, sizeof params);
    fprintf(f, "%s\n", csv_columns);
    for (size_t i = 0; i < res->npoints; i++)
        csv_row(f, plan, &res->points[i], params);
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
    json_number(w, "efficiency", p->efficiency);
    json_number(w, "ratio_ref", p->ratio_ref);
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
    json_array_begin(w, "times_s");
    for (size_t s = 0; s < p->st.n; s++)
        json_number(w, NULL, p->times[s]);
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

void results_write_json(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                        const struct context *ctx,
                        void (*extra)(struct json_writer *w, const void *arg),
                        const void *extra_arg) {
    struct json_writer w;
    json_init(&w, f, 1);
    json_object_begin(&w, NULL);
    json_string(&w, "schema", SCHEMA_RUN);
    json_string(&w, "study", results_study(plan));
    context_write_json(&w, ctx);
    if (plan->ceilings)
        ceilings_file_write_object(&w, plan->ceilings);
    json_kernel(&w, plan);
    json_array_begin(&w, "points");
    for (size_t i = 0; i < res->npoints; i++)
        json_point(&w, plan, &res->points[i]);
    json_array_end(&w);
    if (extra)
        extra(&w, extra_arg);
    json_object_end(&w);
}
