/* overhead_write: an overhead run as a table, CSV and JSON (see overhead_write.h). */
#include "output/overhead_write.h"

#include "engine/sweep.h"
#include "format/csv_writer.h"
#include "format/json.h"
#include "format/schema.h"
#include "machine/context_write.h"

#include <math.h>

void overhead_write_csv(FILE *f, const struct overhead_run *run, const char *run_id) {
    csv_put_header(f, schema_overhead_columns, COL_OVERHEAD_COLUMNS);
    for (size_t i = 0; i < run->n; i++) {
        const struct overhead_point *o = &run->points[i];
        struct csv_row r;
        csv_row_begin(&r, f);
        csv_put_text(&r, overhead_construct_name(o->construct));
        csv_put_text(&r, sweep_schedule_name(o->schedule));
        csv_put_count(&r, o->construct == OVERHEAD_SCHEDULE ? o->chunk : -1);
        csv_put_integer(&r, o->threads);
        csv_put_yes_no(&r, o->oversubscribed);
        const double v[] = {o->test_us, o->ref_us, o->overhead_us, o->ci95_low_us, o->ci95_high_us};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            csv_put_number(&r, v[j], "%.6g");
        csv_put_integer(&r, o->samples);
        csv_put_text(&r, run_id);
        csv_row_end(&r);
    }
}

void overhead_write_json(FILE *f, const struct overhead_run *run, const struct context *ctx) {
    const struct overhead_settings *s = run->settings;
    const struct overhead_point *o = run->points;
    struct json_writer w;
    json_document_begin(&w, f, SCHEMA_OVERHEAD);
    context_write_json(&w, ctx);
    json_object_begin(&w, "settings");
    json_number(&w, "delay_us", run->delay_us);
    json_integer(&w, "delay_steps", s->delay_steps);
    json_number(&w, "ns_per_step", run->ns_per_step);
    json_integer(&w, "iters_per_thread", s->iters_per_thread);
    json_number(&w, "min_time_s", s->reps > 0 ? NAN : s->min_time);
    json_integer(&w, "reps", s->reps);
    json_object_end(&w);
    json_array_begin(&w, "overheads");
    for (size_t i = 0; i < run->n; i++, o++) {
        json_object_begin(&w, NULL);
        json_string(&w, "construct", overhead_construct_name(o->construct));
        json_string(&w, "schedule", sweep_schedule_name(o->schedule));
        if (o->construct == OVERHEAD_SCHEDULE)
            json_integer(&w, "chunk", o->chunk);
        else
            json_null(&w, "chunk");
        json_integer(&w, "threads", o->threads);
        json_bool(&w, "oversubscribed", o->oversubscribed);
        json_number(&w, "test_us", o->test_us);
        json_number(&w, "ref_us", o->ref_us);
        json_number(&w, "overhead_us", o->overhead_us);
        json_number(&w, "ci95_low_us", o->ci95_low_us);
        json_number(&w, "ci95_high_us", o->ci95_high_us);
        json_integer(&w, "samples", o->samples);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_object_end(&w);
}

/* A point whose interval is wide against the time it measures: the spread is the machine's,
 * not the construct's (a preempted sample, another job), and the mean is not to be trusted. */
#define NOISY_HALF_WIDTH 0.1

static int noisy(const struct overhead_point *o) {
    return o->ci95_high_us - o->ci95_low_us > 2.0 * NOISY_HALF_WIDTH * o->test_us;
}

void overhead_write_table(FILE *f, const struct overhead_run *run) {
    const struct overhead_settings *s = run->settings;
    const struct overhead_point *o = run->points;
    fprintf(f,
            "\nOpenMP overheads (EPCC method): delay %.3g us (%ld steps of %.2f ns), %d samples "
            "per point,\nschedule loops of %d iterations per thread; microseconds per construct "
            "execution\n",
            run->delay_us, s->delay_steps, run->ns_per_step, s->samples, s->iters_per_thread);
    fprintf(f, "%-13s %-8s %6s %8s %11s %11s %12s  %s\n", "construct", "schedule", "chunk",
            "threads", "test_us", "ref_us", "overhead_us", "95% CI");
    for (size_t i = 0; i < run->n; i++, o++) {
        char chunk[16] = "-";
        if (o->construct == OVERHEAD_SCHEDULE)
            snprintf(chunk, sizeof chunk, "%d", o->chunk);
        fprintf(f, "%-13s %-8s %6s %7d%s %11.4g %11.4g %12.4g  [%.4g, %.4g]%s\n",
                overhead_construct_name(o->construct), sweep_schedule_name(o->schedule), chunk,
                o->threads, o->oversubscribed ? "*" : " ", o->test_us, o->ref_us, o->overhead_us,
                o->ci95_low_us, o->ci95_high_us, noisy(o) ? " !" : "");
    }
    fprintf(f,
            "(* oversubscribed: more threads than CPUs; ! noisy: the interval is wider than\n"
            "+-%.0f %% of the test time: another load on the machine? more --samples or "
            "--min-time)\n",
            100.0 * NOISY_HALF_WIDTH);
}
