/* breakeven_write: what `ompsweep breakeven` found, as table, CSV and JSON (see
 * breakeven_write.h). */
#include "output/breakeven_write.h"

#include "format/csv_writer.h"
#include "format/json.h"
#include "format/schema.h"
#include "format/units.h"
#include "machine/context_write.h"

#include <math.h>

void breakeven_write_csv(FILE *f, const struct breakeven_run *run, const char *run_id) {
    csv_put_header(f, schema_breakeven_columns, COL_BREAKEVEN_COLUMNS);
    for (const struct breakeven_found *j = run->found; j < run->found + run->n; j++) {
        struct csv_row r;
        csv_row_begin(&r, f);
        csv_put_text(&r, j->kernel->name);
        csv_put_text(&r, j->variant->name);
        csv_put_integer(&r, run->threads);
        csv_put_text(&r, breakeven_status_name(j->r.status));
        csv_put_count(&r, j->r.breakeven_size);
        csv_put_number(&r, j->working_set, "%.0f");
        csv_put_count(&r, j->r.lower_size);
        csv_put_count(&r, j->r.upper_size);
        csv_put_number(&r, j->r.time_1, "%.9g");
        csv_put_number(&r, j->r.time_n, "%.9g");
        csv_put_number(&r, j->r.speedup, "%.4f");
        csv_put_integer(&r, j->r.measurements);
        csv_put_text(&r, j->kernel->variants[0].name);
        csv_put_text(&r, run_id);
        csv_row_end(&r);
    }
}

static void json_size(struct json_writer *w, const char *key, long long v) {
    if (v >= 0)
        json_integer(w, key, v);
    else
        json_null(w, key);
}

void breakeven_write_json(FILE *f, const struct breakeven_run *run, const struct context *ctx) {
    struct json_writer w;
    json_document_begin(&w, f, SCHEMA_BREAKEVEN);
    context_write_json(&w, ctx);
    json_object_begin(&w, "settings");
    json_number(&w, "min_time_s", run->min_time);
    json_integer(&w, "max_pairs", run->max_pairs);
    json_number(&w, "confidence", 0.95);
    json_integer(&w, "seed", run->seed);
    json_object_end(&w);
    json_array_begin(&w, "breakeven");
    for (const struct breakeven_found *j = run->found; j < run->found + run->n; j++) {
        json_object_begin(&w, NULL);
        json_string(&w, "kernel", j->kernel->name);
        json_string(&w, "variant", j->variant->name);
        json_integer(&w, "threads", run->threads);
        json_string(&w, "status", breakeven_status_name(j->r.status));
        json_size(&w, "breakeven_size", j->r.breakeven_size);
        json_number(&w, "breakeven_working_set_bytes", j->working_set);
        json_size(&w, "lower_size", j->r.lower_size);
        json_size(&w, "upper_size", j->r.upper_size);
        json_number(&w, "time_1thread_s", j->r.time_1);
        json_number(&w, "time_nthreads_s", j->r.time_n);
        json_number(&w, "speedup_at_breakeven", j->r.speedup);
        json_integer(&w, "measurements", j->r.measurements);
        json_string(&w, "baseline", j->kernel->variants[0].name);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_object_end(&w);
}

static const char *format_size(long long v, char *buf, size_t len) {
    if (v < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%lld", v);
    return buf;
}

void breakeven_write_table(FILE *f, const struct breakeven_run *run, int cpus) {
    int threads = run->threads;
    fprintf(f,
            "\nBreak-even: the smallest size at which %d threads beat the serial reference%s\n"
            "(paired samples, sign test at 95 %%; N threads shown slower at 'lower', faster at "
            "'upper'; t_ref: the reference at 1 thread)\n",
            threads, threads > cpus ? " (oversubscribed: more threads than CPUs)" : "");
    fprintf(f, "%-14s %-10s %-9s %12s %12s %12s %12s %10s %10s %8s %6s\n", "kernel", "variant",
            "status", "breakeven", "working_set", "lower", "upper", "t_ref", "t_N", "speedup",
            "ties");
    for (const struct breakeven_found *j = run->found; j < run->found + run->n; j++) {
        char be[32], lo[32], up[32], t1[32], tn[32], ws[32], sp[32] = "-";
        units_format_bytes(j->working_set, ws, sizeof ws);
        if (isfinite(j->r.speedup))
            snprintf(sp, sizeof sp, "%.3f", j->r.speedup);
        fprintf(f, "%-14s %-10s %-9s %12s %12s %12s %12s %10s %10s %8s %6d\n", j->kernel->name,
                j->variant->name, breakeven_status_name(j->r.status),
                format_size(j->r.breakeven_size, be, sizeof be), ws,
                format_size(j->r.lower_size, lo, sizeof lo),
                format_size(j->r.upper_size, up, sizeof up),
                units_format_seconds(j->r.time_1, t1, sizeof t1),
                units_format_seconds(j->r.time_n, tn, sizeof tn), sp, j->r.ties);
        if (j->r.status == BREAKEVEN_NEVER)
            fprintf(f, "%-14s %d threads shown slower than the reference at size %lld\n", "",
                    threads, j->r.searched_max);
        else if (j->r.status == BREAKEVEN_UNDECIDED)
            fprintf(f,
                    "%-14s %d threads not shown faster up to size %lld, nor slower there: "
                    "within the noise\n",
                    "", threads, j->r.searched_max);
    }
}
